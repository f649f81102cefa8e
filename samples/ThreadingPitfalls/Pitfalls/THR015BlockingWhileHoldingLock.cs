using System;
using System.Diagnostics;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR015: a cache that sleeps (standing in for a slow load) while holding its lock makes every reader wait for the
/// load, although the readers only want the value that is already there.
/// </summary>
internal sealed class THR015BlockingWhileHoldingLock : Pitfall
{
    private static readonly TimeSpan LoadTime = TimeSpan.FromMilliseconds(300);

    public override string Id => "THR015";

    public override string Title => "Blocking while holding a lock";

    public override Outcome RunNaive()
    {
        var cache = new LoadUnderLockCache();
        var waited = TimeReadDuringRefresh(cache.Refresh, () => cache.Read());
        return waited < LoadTime / 2
            ? Outcome.Right($"Read() returned after {waited.TotalMilliseconds:0} ms")
            : Outcome.Wrong($"Read() waited {waited.TotalMilliseconds:0} ms for a value that was already there: Refresh() slept {LoadTime.TotalMilliseconds:0} ms inside lock(_gate)");
    }

    public override Outcome RunFixed()
    {
        var cache = new LoadOutsideLockCache();
        var waited = TimeReadDuringRefresh(cache.Refresh, () => cache.Read());
        var value = cache.Read();
        return waited < LoadTime / 2 && value == 2
            ? Outcome.Right($"loaded outside the lock: Read() returned after {waited.TotalMilliseconds:0} ms during the refresh, then saw the new value")
            : Outcome.Wrong($"Read() waited {waited.TotalMilliseconds:0} ms, value {value}");
    }

    /// <summary>Starts a refresh, waits until it is loading, and times one read.</summary>
    private static TimeSpan TimeReadDuringRefresh(Action<ManualResetEventSlim> refresh, Func<int> read)
    {
        using var loading = new ManualResetEventSlim();
        var refresher = new Thread(() => refresh(loading));
        refresher.Start();
        loading.Wait();
        var timer = Stopwatch.StartNew();
        read();
        var waited = timer.Elapsed;
        refresher.Join();
        return waited;
    }

    private sealed class LoadUnderLockCache
    {
        private readonly object _gate = new();
        private int _value = 1;

        public int Read()
        {
            lock (_gate)
            {
                return _value;
            }
        }

        public void Refresh(ManualResetEventSlim loading)
        {
            lock (_gate)
            {
                loading.Set();
                Thread.Sleep(LoadTime); // expect: THR015
                _value = 2;
            }
        }
    }

    private sealed class LoadOutsideLockCache
    {
        private readonly object _gate = new();
        private int _value = 1;

        public int Read()
        {
            lock (_gate)
            {
                return _value;
            }
        }

        public void Refresh(ManualResetEventSlim loading)
        {
            loading.Set();
            Thread.Sleep(LoadTime);
            lock (_gate)
            {
                _value = 2;
            }
        }
    }
}
