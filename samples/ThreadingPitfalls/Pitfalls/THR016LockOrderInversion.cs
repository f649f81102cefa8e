using System;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR016: two threads take the same two locks in opposite orders and wait for each other forever.</summary>
internal sealed class THR016LockOrderInversion : Pitfall
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromMilliseconds(500);

    private readonly object _accounts = new();
    private readonly object _audit = new();

    public override string Id => "THR016";

    public override string Title => "Locks taken in opposite orders";

    public override Outcome RunNaive()
    {
        // The barrier makes the unlucky interleaving certain: each thread holds its first lock when it asks for the second.
        using var bothHoldOne = new Barrier(2);
        var stuck = 0;
        var transfer = new Thread(() =>
        {
            lock (_accounts)
            {
                bothHoldOne.SignalAndWait(WaitLimit); // expect: THR015
                if (Monitor.TryEnter(_audit, WaitLimit))
                {
                    Monitor.Exit(_audit);
                }
                else
                {
                    Interlocked.Increment(ref stuck);
                }
            }
        });
        var report = new Thread(() =>
        {
            lock (_audit)
            {
                bothHoldOne.SignalAndWait(WaitLimit); // expect: THR015
                if (Monitor.TryEnter(_accounts, WaitLimit)) // expect: THR016
                {
                    Monitor.Exit(_accounts);
                }
                else
                {
                    Interlocked.Increment(ref stuck);
                }
            }
        });
        transfer.Start();
        report.Start();
        transfer.Join();
        report.Join();
        return stuck == 0
            ? Outcome.Right("both threads got both locks")
            : Outcome.Wrong($"deadlock: {stuck} of 2 threads waited {WaitLimit.TotalMilliseconds:0} ms for the lock the other one held (without the timeout: forever)");
    }

    public override Outcome RunFixed()
    {
        var done = 0;
        var transfer = new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                        done++;
                    }
                }
            }
        });
        var report = new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                lock (_accounts)
                {
                    lock (_audit)
                    {
                        done++;
                    }
                }
            }
        });
        transfer.Start();
        report.Start();
        var finished = transfer.Join(WaitLimit * 10) & report.Join(WaitLimit * 10);
        return finished && done == 2000
            ? Outcome.Right("one lock order (accounts, then audit) on both threads: 2000 transfers, no deadlock")
            : Outcome.Wrong($"{done} of 2000 transfers, finished: {finished}");
    }
}
