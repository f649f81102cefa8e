namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>The budgets of issue 8: all rules together, as a share of the compiler's own binding time.</summary>
internal static class Budgets
{
    /// <summary>The threading-heavy generated corpus.</summary>
    public const double ThreadingPercent = 5.0;

    /// <summary>Code that never mentions threading: next to nothing.</summary>
    public const double NoThreadingPercent = 0.1;

    /// <summary>Large real code.</summary>
    public const double RealCodePercent = 2.0;

    /// <summary>
    /// Scaling: a rule's time at 4x may grow at most this much faster than the compiler's own time did
    /// (1.0 = exactly as fast); beyond it the rule is reported as growing faster than linearly.
    /// </summary>
    public const double ScalingTolerance = 1.5;

    /// <summary>Times below this (ms) at 1x are noise; their scaling is not judged.</summary>
    public const double NoiseFloorMs = 5.0;

    public static double? PercentFor(string input) => input switch
    {
        "threading" => ThreadingPercent,
        "no-threading" => NoThreadingPercent,
        "long-methods" => null,
        _ => RealCodePercent,
    };
}
