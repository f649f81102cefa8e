using System;
using System.Diagnostics;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR009: a counter that locks <c>this</c> shares its lock with every piece of code that holds a reference to it.
/// Here a report locks the counter object for its own reasons, and the counter's callers stall behind it.
/// </summary>
internal sealed class THR009UnsafeLockObject : Pitfall
{
    private static readonly TimeSpan ReportWork = TimeSpan.FromMilliseconds(300);

    public override string Id => "THR009";

    public override string Title => "Lock on an object that others can lock too";

    public override Outcome RunNaive()
    {
        var counter = new PublicLockCounter();
        var waited = TimeIncrementWhileReportRuns(counter, counter.Increment);
        return waited < ReportWork / 2
            ? Outcome.Right($"Increment() returned after {waited.TotalMilliseconds:0} ms")
            : Outcome.Wrong($"Increment() waited {waited.TotalMilliseconds:0} ms: a report that locked the counter object for its own work held the counter's lock(this) too");
    }

    public override Outcome RunFixed()
    {
        var counter = new PrivateLockCounter();
        var waited = TimeIncrementWhileReportRuns(counter, counter.Increment);
        return waited < ReportWork / 2 && counter.Value == 1
            ? Outcome.Right($"private lock object: Increment() returned after {waited.TotalMilliseconds:0} ms while the report held the counter object")
            : Outcome.Wrong($"Increment() waited {waited.TotalMilliseconds:0} ms (value {counter.Value})");
    }

    /// <summary>Another component locks <paramref name="shared"/> for a while; how long does an increment take meanwhile?</summary>
    private static TimeSpan TimeIncrementWhileReportRuns(object shared, Action increment)
    {
        using var reportHoldsTheObject = new ManualResetEventSlim();
        var report = new Thread(() =>
        {
            lock (shared)
            {
                reportHoldsTheObject.Set();
                var work = Stopwatch.StartNew();
                var checksum = 0L;
                while (work.Elapsed < ReportWork)
                {
                    checksum += work.ElapsedTicks & 1;
                }

                GC.KeepAlive(checksum);
            }
        });
        report.Start();
        reportHoldsTheObject.Wait();
        var timer = Stopwatch.StartNew();
        increment();
        var waited = timer.Elapsed;
        report.Join();
        return waited;
    }

    private sealed class PublicLockCounter
    {
        private int _value;

        public void Increment()
        {
            lock (this) // expect: THR009
            {
                _value++;
            }
        }
    }

    private sealed class PrivateLockCounter
    {
        private readonly object _gate = new();
        private int _value;

        public int Value
        {
            get
            {
                lock (_gate)
                {
                    return _value;
                }
            }
        }

        public void Increment()
        {
            lock (_gate)
            {
                _value++;
            }
        }
    }
}
