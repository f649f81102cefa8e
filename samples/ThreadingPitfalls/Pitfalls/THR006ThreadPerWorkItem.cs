using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR006: one new Thread per work item pays a thread's creation, stack and scheduling per item. The same 2,000
/// small items (a SHA-256 of 4 KB each) run once with a thread per item and once with Parallel.ForEach; both time the
/// batch and count the threads that did the work.
/// </summary>
internal sealed class THR006ThreadPerWorkItem : Pitfall
{
    private const int ItemCount = 2_000;

    public override string Id => "THR006";

    public override string Title => "A new thread per work item";

    public override Outcome RunNaive()
    {
        var items = Items();
        var meter = new WorkMeter();
        var watch = Stopwatch.StartNew();

        var threads = new List<Thread>();
        foreach (var item in items)
        {
            var thread = new Thread(() => meter.Process(item)); // expect: THR006
            threads.Add(thread);
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        watch.Stop();
        return meter.Processed != ItemCount
            ? Outcome.Wrong($"processed {meter.Processed} of {ItemCount} items")
            : Outcome.Wrong($"{ItemCount} items took {watch.Elapsed.TotalMilliseconds:0} ms: {threads.Count} threads created and torn down, one per item, up to {meter.PeakConcurrency} working at once");
    }

    public override Outcome RunFixed()
    {
        var items = Items();
        var meter = new WorkMeter();
        var watch = Stopwatch.StartNew();

        Parallel.ForEach(items, item => meter.Process(item));

        watch.Stop();
        return meter.Processed == ItemCount
            ? Outcome.Right($"Parallel.ForEach: {ItemCount} items took {watch.Elapsed.TotalMilliseconds:0} ms on {meter.DistinctThreads} pool threads, up to {meter.PeakConcurrency} working at once")
            : Outcome.Wrong($"processed {meter.Processed} of {ItemCount} items");
    }

    private static List<byte[]> Items()
    {
        var random = new Random(42);
        var items = new List<byte[]>(ItemCount);
        for (var i = 0; i < ItemCount; i++)
        {
            var buffer = new byte[4096];
            random.NextBytes(buffer);
            items.Add(buffer);
        }

        return items;
    }

    /// <summary>Does one item's work and records which thread did it and how many ran at once.</summary>
    private sealed class WorkMeter
    {
        private readonly ConcurrentDictionary<int, bool> _threads = new();
        private int _running;
        private int _peak;
        private int _processed;

        public int Processed => Volatile.Read(ref _processed);

        public int DistinctThreads => _threads.Count;

        public int PeakConcurrency => Volatile.Read(ref _peak);

        public void Process(byte[] item)
        {
            var running = Interlocked.Increment(ref _running);
            for (var peak = Volatile.Read(ref _peak); running > peak; peak = Volatile.Read(ref _peak))
            {
                if (Interlocked.CompareExchange(ref _peak, running, peak) == peak)
                {
                    break;
                }
            }

            _threads.TryAdd(Environment.CurrentManagedThreadId, true);
            SHA256.HashData(item);
            Interlocked.Increment(ref _processed);
            Interlocked.Decrement(ref _running);
        }
    }
}
