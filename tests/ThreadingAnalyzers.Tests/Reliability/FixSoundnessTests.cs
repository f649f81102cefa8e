using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// Every code fix, on every corpus input where it is offered, alone and through Fix All in the document: the fixed
/// code has no new compiler error and the diagnostic it fixed is gone.
/// </summary>
public class FixSoundnessTests
{
    private readonly ITestOutputHelper _output;

    public FixSoundnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Every_code_fix_on_every_corpus_input_compiles_and_removes_its_diagnostic()
    {
        var stopwatch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var inputs = SnippetCorpus.Inputs;
        var candidates = ReliabilitySettings.Full ? inputs.ToList() : await InputsWithFixableDiagnosticsAsync(inputs);

        var reports = new ConcurrentBag<FixReport>();
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (input, cancellationToken)
            => reports.Add(await FixHarness.CheckAsync(input, cancellationToken)));

        var failures = reports.SelectMany(r => r.Failures).ToList();
        var single = reports.Sum(r => r.SingleFixes);
        _output.WriteLine(
            $"{inputs.Length} inputs, {candidates.Count} with a diagnostic a fixer handles, {reports.Sum(r => r.DiagnosticsWithFixes)} diagnostics offered a fix, "
            + $"{single} single fixes and {reports.Sum(r => r.FixAllFixes)} Fix All (document) applied by {FixHarness.Fixers.Length} fixers, "
            + $"{failures.Count} broken, {stopwatch.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU)");
        Assert.True(failures.Count == 0, $"{failures.Count} broken fix(es):\n\n" + string.Join("\n\n", failures.Take(5)));
        Assert.True(single > 0, "no code fix was offered anywhere in the corpus");
    }

    /// <summary>
    /// The inputs where some analyzer reports an ID a fixer handles, from the shared analysis of the corpus; inputs
    /// whose analysis threw are kept so the fix check reports them too.
    /// </summary>
    private static async Task<List<CorpusInput>> InputsWithFixableDiagnosticsAsync(IReadOnlyList<CorpusInput> inputs)
    {
        var kept = new HashSet<CorpusInput>();
        foreach (var group in await CorpusBaseline.GroupsAsync())
        {
            foreach (var diagnostic in group.Sequential.Diagnostics)
            {
                if (FixHarness.FixableIds.Contains(diagnostic.Id) && diagnostic.Location.SourceTree is { } tree && group.Trees.IndexOf(tree) is >= 0 and var index)
                {
                    kept.Add(group.Inputs[group.TreeToInput[index]]);
                }
            }

            if (group.Sequential.Exceptions.Count > 0)
            {
                kept.UnionWith(group.Inputs);
            }
        }

        return inputs.Where(kept.Contains).ToList();
    }
}
