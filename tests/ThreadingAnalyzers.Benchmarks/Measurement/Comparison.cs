using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Benchmarks.Corpus;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>One rule (or all of them) in a comparison of two builds: medians of each, and of the paired differences.</summary>
internal sealed record ComparisonRow(string Name, double BaseMs, double OtherMs, double MedianDifferenceMs, int OtherFaster, int Runs);

/// <summary>
/// Two builds of the analyzers over the same input, run after run in one process and alternating which goes first, so
/// that both see the same load and the same warm caches. On a shared machine the spread between two separate benchmark
/// runs of one build (±15–20 %) hides most changes; the differences of paired runs do not drift with the load.
/// </summary>
internal static class Comparison
{
    public const string Total = "All rules";

    public static List<ComparisonRow> Measure(SourceCorpus corpus, int runs, ImmutableArray<DiagnosticAnalyzer> baseBuild, ImmutableArray<DiagnosticAnalyzer> otherBuild, Action<string> log)
    {
        var baseMs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var otherMs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        Harness.LoggedByRule(corpus, baseBuild);
        Harness.LoggedByRule(corpus, otherBuild);
        for (var run = 0; run < runs; run++)
        {
            log($"  {corpus.Name}: paired run {run + 1}/{runs}");
            var baseFirst = run % 2 == 0;
            var first = Harness.LoggedByRule(corpus, baseFirst ? baseBuild : otherBuild);
            var second = Harness.LoggedByRule(corpus, baseFirst ? otherBuild : baseBuild);
            Add(baseMs, baseFirst ? first : second);
            Add(otherMs, baseFirst ? second : first);
        }

        var rows = new List<ComparisonRow>();
        foreach (var pair in baseMs)
        {
            if (!otherMs.TryGetValue(pair.Key, out var other) || other.Count != pair.Value.Count)
            {
                continue;
            }

            var differences = new double[other.Count];
            var otherFaster = 0;
            for (var i = 0; i < differences.Length; i++)
            {
                differences[i] = other[i] - pair.Value[i];
                otherFaster += differences[i] < 0 ? 1 : 0;
            }

            rows.Add(new ComparisonRow(pair.Key, Stats.Median(pair.Value.ToArray()), Stats.Median(other.ToArray()), Stats.Median(differences), otherFaster, differences.Length));
        }

        rows.Sort(static (a, b) => a.Name == Total ? 1 : b.Name == Total ? -1 : string.CompareOrdinal(a.Name, b.Name));
        return rows;
    }

    private static void Add(Dictionary<string, List<double>> into, Dictionary<string, double> run)
    {
        foreach (var pair in run)
        {
            if (!into.TryGetValue(pair.Key, out var list))
            {
                into[pair.Key] = list = new List<double>();
            }

            list.Add(pair.Value);
        }
    }
}
