using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR005: a thread computes a result and the method reads it without joining the thread first. The read happens
/// while the worker is still running, so the method reports "both workers have finished" with results that do not
/// exist yet.
/// </summary>
internal sealed class THR005ThreadNeverJoined : Pitfall
{
    private const int Count = 5_000_000;
    private const long Expected = (long)Count * (Count + 1) / 2;

    public override string Id => "THR005";

    public override string Title => "Started thread never joined";

    public override Outcome RunNaive()
    {
        long evens = 0;
        long odds = 0;
        var evenWorker = new Thread(() => evens = SumOf(parity: 0));
        var oddWorker = new Thread(() => odds = SumOf(parity: 1));
        evenWorker.Start(); // expect: THR005
        oddWorker.Start(); // expect: THR005

        // "Both workers have finished!" — but nothing waited for them.
        var total = evens + odds;
        return total == Expected
            ? Outcome.Right($"the total is {total}")
            : Outcome.Wrong($"read the results right after Start(): total {total} instead of {Expected} (the workers were still running)");
    }

    public override Outcome RunFixed()
    {
        long evens = 0;
        long odds = 0;
        var evenWorker = new Thread(() => evens = SumOf(parity: 0));
        var oddWorker = new Thread(() => odds = SumOf(parity: 1));
        evenWorker.Start();
        oddWorker.Start();
        evenWorker.Join();
        oddWorker.Join();

        var total = evens + odds;
        return total == Expected
            ? Outcome.Right($"joined both workers before reading: total {total}")
            : Outcome.Wrong($"total {total} instead of {Expected}");
    }

    private static long SumOf(int parity)
    {
        long sum = 0;
        for (var i = 1; i <= Count; i++)
        {
            if (i % 2 == parity)
            {
                sum += i;
            }
        }

        return sum;
    }
}
