using System;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR013: a Monitor.Wait with no condition loop misses a Pulse that came first: the lost wake-up.</summary>
internal sealed class THR013MonitorWaitPulseMisuse : Pitfall
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromMilliseconds(500);

    private readonly object _gate = new();
    private bool _ready;

    public override string Id => "THR013";

    public override string Title => "Monitor.Wait not in a condition loop";

    public override Outcome RunNaive()
    {
        _ready = false;

        // The producer is quick: its Pulse finds nobody waiting yet, and a Pulse is not remembered.
        lock (_gate)
        {
            _ready = true;
            Monitor.Pulse(_gate);
        }

        var consumer = new Thread(() =>
        {
            lock (_gate)
            {
                Monitor.Wait(_gate); // expect: THR013
            }
        })
        { IsBackground = true };
        consumer.Start();
        if (consumer.Join(WaitLimit))
        {
            return Outcome.Right("the consumer woke up");
        }

        // Wake the stuck consumer so that the demo leaves no thread behind.
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        consumer.Join();
        return Outcome.Wrong($"the consumer slept {WaitLimit.TotalMilliseconds:0} ms although the data was ready: the Pulse came before the Wait and was lost (without the timeout: forever)");
    }

    public override Outcome RunFixed()
    {
        _ready = false;
        lock (_gate)
        {
            _ready = true;
            Monitor.Pulse(_gate);
        }

        var consumer = new Thread(() =>
        {
            lock (_gate)
            {
                while (!_ready)
                {
                    Monitor.Wait(_gate);
                }
            }
        })
        { IsBackground = true };
        consumer.Start();
        if (consumer.Join(WaitLimit))
        {
            return Outcome.Right("the consumer checks the condition before waiting: it saw the data ready and went on at once");
        }

        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        consumer.Join();
        return Outcome.Wrong("the consumer did not wake up");
    }
}
