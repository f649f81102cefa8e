using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR002: a consumer thread that takes items "while the queue is not empty" stops the first time it finds the queue
/// empty, which is usually before the producer has added anything: the items that arrive later are never processed.
/// </summary>
internal sealed class THR002PollingConsumer : Pitfall
{
    private const int Items = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

    public override string Id => "THR002";

    public override string Title => "Consumer polls a queue's emptiness instead of blocking on a take";

    public override Outcome RunNaive()
    {
        _queue.Clear();
        var processed = 0;
        var consumer = new Thread(() =>
        {
            while (!_queue.IsEmpty) // expect: THR002
            {
                if (_queue.TryDequeue(out _))
                {
                    Interlocked.Increment(ref processed);
                }
            }
        })
        { IsBackground = true, Name = "THR002 naive consumer" };
        consumer.Start();
        Thread.Sleep(10);
        for (var i = 0; i < Items; i++)
        {
            _queue.Enqueue(i);
            Pause(i);
        }

        if (!consumer.Join(Timeout))
        {
            return Outcome.Wrong($"the consumer did not stop within {Timeout.TotalSeconds:0} s");
        }

        var done = Volatile.Read(ref processed);
        return done == Items
            ? Outcome.Right($"this time the consumer happened to see all {Items} items")
            : Outcome.Wrong($"the consumer found the queue empty and stopped after {done} of {Items} items; {_queue.Count} were left in the queue, never processed");
    }

    public override Outcome RunFixed()
    {
        using var queue = new BlockingCollection<int>(new ConcurrentQueue<int>());
        var processed = 0;
        var consumer = new Thread(() =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                Interlocked.Increment(ref processed);
            }
        })
        { IsBackground = true, Name = "THR002 fixed consumer" };
        consumer.Start();
        try
        {
            Thread.Sleep(10);
            for (var i = 0; i < Items; i++)
            {
                queue.Add(i);
                Pause(i);
            }
        }
        finally
        {
            queue.CompleteAdding();
        }

        if (!consumer.Join(Timeout))
        {
            return Outcome.Wrong($"the consumer did not finish within {Timeout.TotalSeconds:0} s of CompleteAdding()");
        }

        var done = Volatile.Read(ref processed);
        return done == Items
            ? Outcome.Right($"GetConsumingEnumerable() blocked while the queue was empty and ended after CompleteAdding(): all {Items} items processed")
            : Outcome.Wrong($"only {done} of {Items} items processed");
    }

    /// <summary>Produces a few items at a time, as a producer that reads them from somewhere slower than memory.</summary>
    private static void Pause(int i)
    {
        if (i % 20 == 19)
        {
            Thread.Sleep(1);
        }
    }
}
