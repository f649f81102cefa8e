using System;
using System.Collections.Generic;
using System.Globalization;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// How much the reliability tests do. The default run samples deterministically (fixed seed) to stay within seconds;
/// <c>THREADING_ANALYZERS_RELIABILITY=full</c> runs every variant, every fix and more concurrency rounds.
/// </summary>
public static class ReliabilitySettings
{
    public const string Variable = "THREADING_ANALYZERS_RELIABILITY";

    /// <summary>The seed of every sample the reliability tests draw, so a failure reproduces.</summary>
    public const int Seed = 20240611;

    public static bool Full { get; } = string.Equals(Environment.GetEnvironmentVariable(Variable), "full", StringComparison.OrdinalIgnoreCase);

    /// <summary>Mutation variants analysed in the default run (the full run analyses all of them).</summary>
    public static int MutationSample { get; } = ReadInt("THREADING_ANALYZERS_MUTATIONS", 2000);

    /// <summary>Times the concurrent run is repeated and compared with the sequential one.</summary>
    public static int ConcurrencyRounds => Full ? 20 : 3;

    /// <summary>A deterministic sample of <paramref name="count"/> items (all of them in the full run), in their original order.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        if (Full || count >= items.Count)
        {
            return new List<T>(items);
        }

        var indices = new int[items.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        var random = new Random(Seed);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, indices.Length);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        Array.Sort(indices, 0, count);
        var sample = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            sample.Add(items[indices[i]]);
        }

        return sample;
    }

    private static int ReadInt(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
