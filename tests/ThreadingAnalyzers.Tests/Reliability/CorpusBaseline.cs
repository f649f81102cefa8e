using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>Some corpus inputs compiled together (snippets each in its own namespace) and what a sequential analysis of them reports.</summary>
public sealed record CorpusGroup(ImmutableArray<CorpusInput> Inputs, ImmutableArray<SyntaxTree> Trees, ImmutableArray<int> TreeToInput, AnalysisOutcome Sequential)
{
    public Compilation CreateCompilation()
        => AnalyzerRunner.Compile(Array.Empty<string>(), SnippetCorpus.ParseOptions.LanguageVersion).AddSyntaxTrees(Trees);
}

/// <summary>
/// The whole corpus analysed once per test run, shared by the reliability tests: a dozen snippets to a
/// compilation, whole-compilation inputs (the sample, top-level programs) alone, analysis sequential.
/// </summary>
public static class CorpusBaseline
{
    private const int InputsPerCompilation = 12;

    private static readonly Lazy<Task<ImmutableArray<CorpusGroup>>> LazyGroups = new(ComputeAsync);

    public static Task<ImmutableArray<CorpusGroup>> GroupsAsync() => LazyGroups.Value;

    private static async Task<ImmutableArray<CorpusGroup>> ComputeAsync()
    {
        var plans = new List<List<(CorpusInput Input, string[] Texts)>>();
        var shared = new List<(CorpusInput, string[])>();
        foreach (var (input, index) in SnippetCorpus.Inputs.Select((input, index) => (input, index)))
        {
            var document = input.Sources.Length == 1 ? new MutableDocument(input, index, input.Sources[0]) : null;
            if (document is null || document.Solo)
            {
                plans.Add(new List<(CorpusInput, string[])> { (input, input.Sources.ToArray()) });
                continue;
            }

            shared.Add((input, new[] { document.Unbroken("V" + index) }));
            if (shared.Count == InputsPerCompilation)
            {
                plans.Add(shared);
                shared = new List<(CorpusInput, string[])>();
            }
        }

        if (shared.Count > 0)
        {
            plans.Add(shared);
        }

        var groups = new CorpusGroup[plans.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, plans.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, _) =>
        {
            var trees = ImmutableArray.CreateBuilder<SyntaxTree>();
            var owners = ImmutableArray.CreateBuilder<int>();
            foreach (var (plan, owner) in plans[i].Select((plan, owner) => (plan, owner)))
            {
                foreach (var text in plan.Texts)
                {
                    trees.Add(CSharpSyntaxTree.ParseText(text, SnippetCorpus.ParseOptions, path: $"Source{trees.Count}.cs"));
                    owners.Add(owner);
                }
            }

            var compilation = AnalyzerRunner.Compile(Array.Empty<string>(), SnippetCorpus.ParseOptions.LanguageVersion).AddSyntaxTrees(trees);
            var outcome = await AnalyzerRunner.RunAsync(compilation, concurrent: false);
            groups[i] = new CorpusGroup(plans[i].Select(p => p.Input).ToImmutableArray(), trees.ToImmutable(), owners.ToImmutable(), outcome);
        });

        return groups.ToImmutableArray();
    }
}
