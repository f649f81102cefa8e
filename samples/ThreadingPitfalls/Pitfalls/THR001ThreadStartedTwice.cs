using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR001: a Thread runs once; starting it again (even after Join) throws ThreadStateException.</summary>
internal sealed class THR001ThreadStartedTwice : Pitfall
{
    public override string Id => "THR001";

    public override string Title => "Thread started more than once";

    public override Outcome RunNaive()
    {
        var runs = 0;
        var worker = new Thread(() => Interlocked.Increment(ref runs)) { Name = "worker" };
        worker.Start();
        worker.Join();
        try
        {
            worker.Start(); // expect: THR001
            worker.Join();
            return Outcome.Right($"the worker ran {runs} times");
        }
        catch (ThreadStateException exception)
        {
            return Outcome.Wrong($"second Start() threw ThreadStateException (\"{exception.Message}\"); the worker ran {runs} time instead of 2");
        }
    }

    public override Outcome RunFixed()
    {
        var runs = 0;
        var worker = new Thread(() => Interlocked.Increment(ref runs)) { Name = "worker" };
        worker.Start();
        worker.Join();
        worker = new Thread(() => Interlocked.Increment(ref runs)) { Name = "worker" };
        worker.Start();
        worker.Join();
        return runs == 2
            ? Outcome.Right("a new Thread for the second run: the worker ran 2 times")
            : Outcome.Wrong($"the worker ran {runs} times instead of 2");
    }
}
