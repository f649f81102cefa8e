using System.Threading;
using System.Threading.Tasks;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR004: count++ from every Parallel.For iteration loses updates: read, add and write are three steps.</summary>
internal sealed class THR004UnsynchronizedSharedWrite : Pitfall
{
    private const int Iterations = 20_000_000;

    private int _count;
    private int _safeCount;

    public override string Id => "THR004";

    public override string Title => "Unsynchronized write to shared state";

    public override Outcome RunNaive()
    {
        const int Attempts = 5;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            _count = 0;
            Parallel.For(0, Iterations, i => _count++); // expect: THR004
            var lost = Iterations - _count;
            if (lost != 0)
            {
                return Outcome.Wrong($"attempt {attempt}: count is {_count:N0} instead of {Iterations:N0}: {lost:N0} increments lost");
            }
        }

        return Outcome.Right($"no increment lost in {Attempts} attempts this time; the race depends on timing and load");
    }

    public override Outcome RunFixed()
    {
        _safeCount = 0;
        Parallel.For(0, Iterations, i => Interlocked.Increment(ref _safeCount));
        return _safeCount == Iterations
            ? Outcome.Right($"Interlocked.Increment: count is {_safeCount:N0}, nothing lost")
            : Outcome.Wrong($"count is {_safeCount:N0} instead of {Iterations:N0}");
    }
}
