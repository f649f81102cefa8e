using System;
using System.Threading;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>THR008: a lock released after the work, not in a finally: the first exception leaves it held for good.</summary>
internal sealed class THR008LockReleaseNotGuaranteed : Pitfall
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromMilliseconds(300);
    private static readonly int[] Orders = { 10, 20, -1, 30, 40 };

    public override string Id => "THR008";

    public override string Title => "Lock acquired without guaranteed release";

    public override Outcome RunNaive()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var processed = 0;
        var rejected = 0;
        foreach (var order in Orders)
        {
            try
            {
                if (!gate.Wait(WaitLimit)) // expect: THR008
                {
                    return Outcome.Wrong($"order {order} waited {WaitLimit.TotalMilliseconds:0} ms for a lock nobody holds any more: the rejected order left it taken (without the timeout: a hang); {processed} of {Orders.Length} processed");
                }

                Process(order);
                processed++;
                gate.Release();
            }
            catch (ArgumentOutOfRangeException)
            {
                rejected++;
            }
        }

        return Outcome.Right($"{processed} orders processed, {rejected} rejected");
    }

    public override Outcome RunFixed()
    {
        using var gate = new SemaphoreSlim(1, 1);
        var processed = 0;
        var rejected = 0;
        foreach (var order in Orders)
        {
            try
            {
                if (!gate.Wait(WaitLimit))
                {
                    return Outcome.Wrong($"order {order} timed out waiting for the lock; {processed} of {Orders.Length} processed");
                }

                try
                {
                    Process(order);
                    processed++;
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                rejected++;
            }
        }

        return processed == Orders.Length - 1 && rejected == 1
            ? Outcome.Right($"release in finally: {processed} orders processed, {rejected} rejected, the lock is free again")
            : Outcome.Wrong($"{processed} processed and {rejected} rejected instead of {Orders.Length - 1} and 1");
    }

    private static void Process(int order)
    {
        if (order < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "An order amount cannot be negative.");
        }
    }
}
