using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>One measured piece of work: wall-clock time, CPU time of the process, bytes allocated.</summary>
internal readonly record struct Sample(double WallMs, double CpuMs, double AllocatedMb)
{
    /// <summary>
    /// The share of one core this single-threaded run got (CPU time / wall time, at most 1). Wall-clock times
    /// measured inside the run (the driver's per-analyzer times) times this share estimate their CPU time, which
    /// keeps figures comparable on a machine that other work keeps busy.
    /// </summary>
    public double CpuShare => WallMs <= 0 ? 1 : Math.Min(1, CpuMs / WallMs);

    public static Sample Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        action();
        wall.Stop();
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024.0);
        return new Sample(wall.Elapsed.TotalMilliseconds, cpuMs, allocatedMb);
    }

    public static Sample Median(IReadOnlyList<Sample> samples)
    {
        var wall = new double[samples.Count];
        var cpu = new double[samples.Count];
        var allocated = new double[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            wall[i] = samples[i].WallMs;
            cpu[i] = samples[i].CpuMs;
            allocated[i] = samples[i].AllocatedMb;
        }

        return new Sample(Stats.Median(wall), Stats.Median(cpu), Stats.Median(allocated));
    }
}

internal static class Stats
{
    public static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
