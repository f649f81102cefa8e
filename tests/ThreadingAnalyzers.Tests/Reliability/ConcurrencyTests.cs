using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadingAnalyzers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// The analyzers under concurrent execution, on many compilations at once, report exactly what a sequential run
/// reports, round after round: no shared mutable state between callbacks, roots or compilations.
/// </summary>
public class ConcurrencyTests
{
    private readonly ITestOutputHelper _output;

    public ConcurrencyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Concurrent_analysis_of_many_compilations_matches_a_sequential_run()
    {
        var stopwatch = Stopwatch.StartNew();
        var groups = ReliabilitySettings.Sample(await CorpusBaseline.GroupsAsync(), 20);
        var expected = groups.Select(g => Format(g.Sequential.Diagnostics)).ToList();

        var rounds = ReliabilitySettings.ConcurrencyRounds;
        for (var round = 0; round < rounds; round++)
        {
            // Fresh compilations every round, all analysed at once with concurrent execution on.
            var tasks = groups.Select(group => Task.Run(() => AnalyzerRunner.RunAsync(group.CreateCompilation(), concurrent: true))).ToArray();
            var outcomes = await Task.WhenAll(tasks);
            for (var i = 0; i < outcomes.Length; i++)
            {
                Assert.Empty(outcomes[i].Exceptions);
                var actual = Format(outcomes[i].Diagnostics);
                if (!actual.SequenceEqual(expected[i]))
                {
                    Assert.Fail(
                        $"Round {round}, compilation of {string.Join(", ", groups[i].Inputs)}: the concurrent run differs from the sequential one.\n"
                        + $"Only sequential:\n  {string.Join("\n  ", expected[i].Except(actual))}\nOnly concurrent:\n  {string.Join("\n  ", actual.Except(expected[i]))}");
                }
            }
        }

        _output.WriteLine(
            $"{groups.Count} compilations ({groups.Sum(g => g.Trees.Length)} documents), {expected.Sum(e => e.Length)} diagnostics, "
            + $"{rounds} concurrent rounds identical to the sequential run, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.Contains(expected, e => e.Length > 0);
    }

    private static string[] Format(ImmutableArray<Diagnostic> diagnostics)
        => diagnostics
            .Select(d => $"{d.Id} {d.Location.GetLineSpan()} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} "
                + $"[{string.Join("; ", d.AdditionalLocations.Select(l => l.GetLineSpan().ToString()))}] "
                + $"{{{string.Join(", ", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}}}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
}
