using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace ThreadingPitfalls;

/// <summary>
/// A pitfall whose failure is about the whole process (it does not exit) runs part of itself in a child process:
/// <c>ThreadingPitfalls child THR011 naive</c>. The parent watches the child with a timeout and kills it when it hangs.
/// </summary>
internal interface IChildProcessPitfall
{
    /// <summary>The child's Main: runs the variant ("naive" or "fixed") and returns its exit code.</summary>
    int RunChild(string variant);
}

/// <summary>What a child process did: whether it exited by itself, how long after printing its marker, and its output.</summary>
internal sealed record ChildResult(bool Exited, TimeSpan AfterMarker, string Output);

internal static class ChildProcess
{
    /// <summary>The line a child prints right before its Main returns; the parent times the exit from it.</summary>
    public const string MainReturnedMarker = "main returned";

    /// <summary>Entry for <c>child ID variant</c>.</summary>
    public static int Dispatch(IReadOnlyList<Pitfall> pitfalls, string id, string variant)
    {
        var pitfall = pitfalls.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
        if (pitfall is not IChildProcessPitfall child)
        {
            Console.Error.WriteLine($"No child process for {id}.");
            return 2;
        }

        return child.RunChild(variant);
    }

    /// <summary>
    /// Starts <c>ThreadingPitfalls child ID variant</c>, waits until it exits or <paramref name="timeout"/> passes after it
    /// printed <see cref="MainReturnedMarker"/>, and kills it (and its tree) in the second case.
    /// </summary>
    public static ChildResult Run(string id, string variant, TimeSpan timeout)
    {
        var assembly = typeof(ChildProcess).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", assembly, "child", id, variant })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var output = new StringBuilder();
        var watch = new Stopwatch();
        using var markerSeen = new System.Threading.ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data == MainReturnedMarker)
            {
                watch.Start();
                markerSeen.Set();
            }
        };
        process.BeginOutputReadLine();
        var errors = process.StandardError.ReadToEndAsync();

        // Start-up of the child is not what is measured: give it a generous while to reach the end of Main.
        if (!markerSeen.Wait(TimeSpan.FromSeconds(15)))
        {
            Kill(process);
            return new ChildResult(false, TimeSpan.Zero, "the child never reached the end of Main: " + errors.Result);
        }

        var exited = process.WaitForExit((int)timeout.TotalMilliseconds);
        var elapsed = watch.Elapsed;
        if (!exited)
        {
            Kill(process);
        }
        else
        {
            process.WaitForExit();
        }

        lock (output)
        {
            return new ChildResult(exited, elapsed, output.ToString());
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
    }

    /// <summary>The dotnet host running this process when it is one, else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
