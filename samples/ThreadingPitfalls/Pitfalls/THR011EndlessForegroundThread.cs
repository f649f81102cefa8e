using System;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR011: a foreground thread that loops forever keeps the process alive after Main returns. Shown in a child
/// process: the naive child never exits (the parent kills it after a timeout), the fixed one exits at once.
/// </summary>
internal sealed class THR011EndlessForegroundThread : Pitfall, IChildProcessPitfall
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(3);

    public override string Id => "THR011";

    public override string Title => "Endless loop on a foreground thread";

    public override Outcome RunNaive()
    {
        var child = ChildProcess.Run(Id, "naive", ExitTimeout);
        return child.Exited
            ? Outcome.Right($"the child process exited {child.AfterMarker.TotalMilliseconds:0} ms after Main returned")
            : Outcome.Wrong($"the child process was still running {ExitTimeout.TotalSeconds:0} s after Main returned (its heartbeat thread is a foreground thread); killed it");
    }

    public override Outcome RunFixed()
    {
        var child = ChildProcess.Run(Id, "fixed", ExitTimeout);
        return child.Exited
            ? Outcome.Right($"background heartbeat thread: the child process exited {child.AfterMarker.TotalMilliseconds:0} ms after Main returned")
            : Outcome.Wrong($"the child process was still running {ExitTimeout.TotalSeconds:0} s after Main returned; killed it");
    }

    /// <summary>The child's Main: start a heartbeat thread, do the real work, return.</summary>
    public int RunChild(string variant)
    {
        if (variant == "naive")
        {
            var heartbeat = new Thread(Heartbeat) { Name = "heartbeat" }; // expect: THR011
            heartbeat.Start();
        }
        else
        {
            var heartbeat = new Thread(Heartbeat) { Name = "heartbeat", IsBackground = true };
            heartbeat.Start();
        }

        Console.WriteLine("work done");
        Console.WriteLine(ChildProcess.MainReturnedMarker);
        return 0;
    }

    private static void Heartbeat()
    {
        while (true)
        {
            Thread.Sleep(100);
        }
    }
}
