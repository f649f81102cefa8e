using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR007: a Dictionary filled by every Parallel.For iteration loses entries, corrupts itself or throws.</summary>
internal sealed class THR007NonThreadSafeCollectionShared : Pitfall
{
    private const int Keys = 100_000;
    private const int Attempts = 5;

    public override string Id => "THR007";

    public override string Title => "Non-thread-safe collection shared across threads";

    public override Outcome RunNaive()
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var squares = new Dictionary<int, long>();
            try
            {
                Parallel.For(0, Keys, i => { squares[i] = (long)i * i; }); // expect: THR007
            }
            catch (AggregateException exception)
            {
                var inner = exception.InnerExceptions[0];
                return Outcome.Wrong($"attempt {attempt}: the Dictionary threw {inner.GetType().Name} (\"{inner.Message}\")");
            }

            var unfindable = 0;
            for (var i = 0; i < Keys; i++)
            {
                if (!squares.TryGetValue(i, out _))
                {
                    unfindable++;
                }
            }

            if (squares.Count != Keys || unfindable != 0)
            {
                return Outcome.Wrong($"attempt {attempt}: Count is {squares.Count:N0} instead of {Keys:N0} and {unfindable:N0} inserted keys cannot be found");
            }
        }

        return Outcome.Right($"{Attempts} attempts survived this time; the race depends on timing and load");
    }

    public override Outcome RunFixed()
    {
        var squares = new ConcurrentDictionary<int, long>();
        Parallel.For(0, Keys, i => { squares[i] = (long)i * i; });
        for (var i = 0; i < Keys; i++)
        {
            if (!squares.TryGetValue(i, out var square) || square != (long)i * i)
            {
                return Outcome.Wrong($"key {i} is missing or wrong");
            }
        }

        return squares.Count == Keys
            ? Outcome.Right($"ConcurrentDictionary: all {Keys:N0} keys present")
            : Outcome.Wrong($"Count is {squares.Count:N0} instead of {Keys:N0}");
    }
}
