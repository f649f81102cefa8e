using System;
using System.Diagnostics;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR012: Thread.Abort (like Suspend and Resume) throws PlatformNotSupportedException on .NET Core and .NET 5+, and
/// the worker it was meant to stop keeps running. The fixed variant asks the worker to stop through a
/// CancellationToken and joins it.
/// </summary>
internal sealed class THR012ThreadAbortSuspendResume : Pitfall
{
    public override string Id => "THR012";

    public override string Title => "Thread.Abort, Suspend or Resume";

    public override Outcome RunNaive()
    {
        // Only there so the demo can end the worker after showing what Abort() does.
        using var demoCleanup = new CancellationTokenSource();
        var worker = new Thread(() => Poll(demoCleanup.Token)) { Name = "poller" };
        worker.Start();
        try
        {
            worker.Abort(); // expect: THR012
            return Outcome.Right("Abort() stopped the worker");
        }
        catch (PlatformNotSupportedException exception)
        {
            return Outcome.Wrong($"Abort() threw PlatformNotSupportedException (\"{exception.Message}\"); the worker was still running: IsAlive = {worker.IsAlive}");
        }
        finally
        {
            demoCleanup.Cancel();
            worker.Join();
        }
    }

    public override Outcome RunFixed()
    {
        using var stop = new CancellationTokenSource();
        var worker = new Thread(() => Poll(stop.Token)) { Name = "poller" };
        worker.Start();
        Thread.Sleep(50);

        var watch = Stopwatch.StartNew();
        stop.Cancel();
        var stopped = worker.Join(TimeSpan.FromSeconds(5));
        return stopped
            ? Outcome.Right($"cancelled the token and joined: the worker stopped {watch.Elapsed.TotalMilliseconds:0} ms later, between two polls")
            : Outcome.Wrong("the worker did not stop within 5 s");
    }

    /// <summary>The worker: polls every 10 ms until its token is cancelled.</summary>
    private static void Poll(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            token.WaitHandle.WaitOne(10);
        }
    }
}
