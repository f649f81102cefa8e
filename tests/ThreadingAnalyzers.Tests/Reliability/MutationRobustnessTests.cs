using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// Every analyzer over thousands of broken variants of the test suite's own snippets and the sample's files
/// (prefixes cut at token boundaries, deleted tokens, stray braces, unresolved names), compiler errors allowed:
/// no analyzer may throw. Variants share compilations, each in its own syntax tree and namespace.
/// </summary>
public class MutationRobustnessTests
{
    private const int BatchSize = 150;

    private readonly ITestOutputHelper _output;

    public MutationRobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task No_analyzer_throws_on_broken_variants_of_the_corpus()
    {
        var stopwatch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var documents = SnippetCorpus.Documents.Select((input, i) => new MutableDocument(input, i, input.Sources[0])).ToList();
        var all = documents.SelectMany(d => d.AllMutations()).ToList();
        var chosen = ReliabilitySettings.Sample(all, ReliabilitySettings.MutationSample);

        var batches = new List<List<(MutableDocument Document, Mutation? Mutation)>>();
        var shared = new List<(MutableDocument, Mutation?)>();
        foreach (var mutation in chosen)
        {
            Add(documents[mutation.Document], mutation);
        }

        if (shared.Count > 0)
        {
            batches.Add(shared);
        }

        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (batch, _) =>
        {
            var texts = batch.Select((v, i) => Text(v, batch.Count > 1 ? "V" + i : null)).ToList();
            var outcome = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile(texts, SnippetCorpus.ParseOptions.LanguageVersion), concurrent: false);
            if (outcome.Exceptions.Count == 0)
            {
                return;
            }

            // Find the variants that throw on their own.
            foreach (var variant in batch)
            {
                var single = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile(new[] { Text(variant, null) }, SnippetCorpus.ParseOptions.LanguageVersion), concurrent: false);
                if (single.Exceptions.Count > 0)
                {
                    failures.Add(Describe(variant) + "\n" + single.Exceptions[0] + "\n--- variant ---\n" + Text(variant, null));
                }
            }

            if (failures.IsEmpty)
            {
                failures.Add("A batch throws but none of its variants alone does:\n" + outcome.Exceptions[0]);
            }
        });

        var kinds = chosen.GroupBy(m => m.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        _output.WriteLine(
            $"{chosen.Count} broken variants (of {all.Count}; {(ReliabilitySettings.Full ? "full run" : $"seed {ReliabilitySettings.Seed}, {ReliabilitySettings.Variable}=full for all")}) "
            + $"of {documents.Count} documents in {batches.Count} compilations, {AnalyzerRunner.All.Length} analyzers, {stopwatch.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU): {string.Join(", ", kinds)}");

        Assert.True(failures.IsEmpty, $"{failures.Count} variant(s) make an analyzer throw:\n\n" + string.Join("\n\n", failures.Take(5)));
        Assert.True(chosen.Count >= Math.Min(all.Count, 1000), "too few variants: " + chosen.Count);

        void Add(MutableDocument document, Mutation? mutation)
        {
            if (document.Solo)
            {
                batches.Add(new List<(MutableDocument, Mutation?)> { (document, mutation) });
                return;
            }

            shared.Add((document, mutation));
            if (shared.Count == BatchSize)
            {
                batches.Add(shared);
                shared = new List<(MutableDocument, Mutation?)>();
            }
        }
    }

    [Fact]
    public async Task No_analyzer_throws_on_the_unbroken_corpus()
    {
        var groups = await CorpusBaseline.GroupsAsync();
        var failures = groups.Where(g => g.Sequential.Exceptions.Count > 0)
            .Select(g => $"{string.Join(", ", g.Inputs)}:\n{g.Sequential.Exceptions[0]}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        _output.WriteLine($"{groups.Sum(g => g.Inputs.Length)} inputs in {groups.Length} compilations, {groups.Sum(g => g.Sequential.Diagnostics.Length)} diagnostics, no analyzer exception");
    }

    [Fact]
    public void The_corpus_holds_the_snippets_of_every_rule_test_class()
    {
        var inputs = SnippetCorpus.Snippets;
        var origins = inputs.Select(i => i.Origin[..i.Origin.LastIndexOf(':')]).ToHashSet(StringComparer.Ordinal);
        var ruleTests = RepositoryPaths.SourceFiles(System.IO.Path.Combine(RepositoryPaths.Root, "tests", "ThreadingAnalyzers.Tests", "Rules"))
            .Select(f => System.IO.Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
            .ToList();
        Assert.NotEmpty(ruleTests);
        Assert.All(ruleTests, file => Assert.Contains(file, origins));
        Assert.All(inputs, i => Assert.DoesNotContain("[|", i.Sources[0], StringComparison.Ordinal));
        _output.WriteLine($"{inputs.Length} snippets from {origins.Count} test files, {SnippetCorpus.Sample.Sources.Length} sample files, "
            + $"{inputs.Sum(i => i.Sources[0].Split('\n').Length)} snippet lines");
    }

    private static string Text((MutableDocument Document, Mutation? Mutation) variant, string? uniqueNamespace)
        => variant.Mutation is { } mutation
            ? variant.Document.Apply(mutation, uniqueNamespace)
            : variant.Document.Unbroken(uniqueNamespace);

    private static string Describe((MutableDocument Document, Mutation? Mutation) variant)
        => variant.Mutation is { } mutation ? variant.Document.Describe(mutation) : variant.Document.Input.Origin + " (unbroken)";
}
