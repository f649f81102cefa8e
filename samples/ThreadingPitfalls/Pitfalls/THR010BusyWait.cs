using System;
using System.Diagnostics;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR010: a thread that spins on a plain bool until another thread sets it burns a whole core while it waits, and
/// in an optimized build the JIT may read the field once, so the loop never sees the change and never ends.
/// </summary>
internal sealed class THR010BusyWait : Pitfall
{
    private static readonly TimeSpan WaitBeforeGo = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private bool _go;

    public override string Id => "THR010";

    public override string Title => "Busy-wait or sleep-polling on a flag";

    public override Outcome RunNaive()
    {
        _go = false;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var waiter = new Thread(SpinUntilGo) { IsBackground = true, Name = "THR010 naive waiter" };
        waiter.Start();
        Thread.Sleep(WaitBeforeGo);
        _go = true;
        var ended = waiter.Join(Timeout);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        if (!ended)
        {
            // Nothing can stop it now: it is a background thread and ends with the process.
            return Outcome.Wrong($"the waiter never saw '_go = true' within {Timeout.TotalSeconds:0} s: the JIT read the field once (optimized build) and the loop spins forever, burning a core until the process exits");
        }

        return Outcome.Wrong($"the waiter saw the flag, but the process used {cpu.TotalMilliseconds:0} ms of CPU in {WaitBeforeGo.TotalMilliseconds:0} ms re-reading '_go'; in an optimized build (-c Release) the loop may never end");
    }

    public override Outcome RunFixed()
    {
        using var go = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        long wokeAt = 0;
        var waiter = new Thread(() =>
        {
            go.Wait();
            Interlocked.Exchange(ref wokeAt, clock.ElapsedTicks);
        })
        { IsBackground = true, Name = "THR010 fixed waiter" };
        waiter.Start();
        Thread.Sleep(WaitBeforeGo);
        var setAt = clock.ElapsedTicks;
        go.Set();
        if (!waiter.Join(Timeout))
        {
            return Outcome.Wrong($"the waiter did not wake up within {Timeout.TotalSeconds:0} s of Set()");
        }

        var latency = TimeSpan.FromTicks((Interlocked.Read(ref wokeAt) - setAt) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        return Outcome.Right($"ManualResetEventSlim: the waiter blocked in Wait() without using the CPU and woke {latency.TotalMilliseconds:0.0} ms after Set()");
    }

    private void SpinUntilGo()
    {
        while (!_go) // expect: THR010
        {
        }
    }
}
