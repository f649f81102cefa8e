using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR003: a producer that calls CompleteAdding() after its work, not in a finally: one bad input throws before it, and
/// the consumer blocked in GetConsumingEnumerable() waits forever for a completion that never comes.
/// </summary>
internal sealed class THR003CompletionNeverSignalled : Pitfall
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly string[] Inputs = { "10", "20", "thirty", "40" };

    public override string Id => "THR003";

    public override string Title => "Completion never signalled";

    public override Outcome RunNaive()
    {
        var queue = new BlockingCollection<int>();
        long sum = 0;
        var consumer = new Thread(() =>
        {
            foreach (var number in queue.GetConsumingEnumerable())
            {
                Interlocked.Add(ref sum, number);
            }
        })
        { IsBackground = true, Name = "THR003 naive consumer" };
        consumer.Start();
        var producer = Task.Run(() =>
        {
            foreach (var text in Inputs)
            {
                queue.Add(int.Parse(text, CultureInfo.InvariantCulture));
            }

            queue.CompleteAdding(); // expect: THR003
        });
        var error = WaitForProducer(producer);
        if (!consumer.Join(Timeout))
        {
            // The consumer is a background thread blocked in Take: it stays there until the process exits.
            return Outcome.Wrong($"the producer failed ({error}) before CompleteAdding(); {Timeout.TotalSeconds:0} s later the consumer was still blocked in GetConsumingEnumerable() and would wait forever (sum so far {Interlocked.Read(ref sum)})");
        }

        return Outcome.Right($"the consumer ended (sum {Interlocked.Read(ref sum)})");
    }

    public override Outcome RunFixed()
    {
        using var queue = new BlockingCollection<int>();
        long sum = 0;
        var consumer = new Thread(() =>
        {
            foreach (var number in queue.GetConsumingEnumerable())
            {
                Interlocked.Add(ref sum, number);
            }
        })
        { IsBackground = true, Name = "THR003 fixed consumer" };
        consumer.Start();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var text in Inputs)
                {
                    queue.Add(int.Parse(text, CultureInfo.InvariantCulture));
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        var error = WaitForProducer(producer);
        if (!consumer.Join(Timeout))
        {
            return Outcome.Wrong($"the consumer was still blocked {Timeout.TotalSeconds:0} s after the producer ended");
        }

        var total = Interlocked.Read(ref sum);
        return error is not null && total == 30
            ? Outcome.Right($"CompleteAdding() in finally: the producer's error ({error}) reached its caller and the consumer ended after the items before it (sum {total})")
            : Outcome.Wrong($"unexpected result: error {error ?? "none"}, sum {total}");
    }

    /// <summary>Waits for the producer (bounded) and returns its exception's type name, or null when it succeeded.</summary>
    private static string? WaitForProducer(Task producer)
    {
        try
        {
            return producer.Wait(Timeout) ? null : "it did not finish";
        }
        catch (AggregateException failure)
        {
            return failure.InnerException?.GetType().Name ?? "an error";
        }
    }
}
