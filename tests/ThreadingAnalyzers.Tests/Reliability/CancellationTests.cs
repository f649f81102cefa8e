using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// The IDE cancels analysis on every keystroke: a cancelled analysis must stop at once with
/// <see cref="OperationCanceledException"/>, and a rule's work inside one callback must honour the token.
/// </summary>
public class CancellationTests
{
    /// <summary>How many times each method body of the corpus is repeated to make one large executable root.</summary>
    private const int BodyCopies = 10;

    /// <summary>Callbacks slower than this with a cancelled token must be much faster than with a live one.</summary>
    private static readonly TimeSpan SlowCallbacks = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private readonly ITestOutputHelper _output;

    public CancellationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Analysis_with_a_cancelled_token_throws_without_running()
    {
        var compilation = LargeCompilation(copies: 1);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var stopwatch = Stopwatch.StartNew();
        var analysis = AnalyzerRunner.RunAsync(compilation, cancellationToken: cancellation.Token);
        await AssertCancelledPromptlyAsync(analysis);
        _output.WriteLine($"cancelled before the start: OperationCanceledException after {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Analysis_cancelled_midway_stops_promptly()
    {
        var compilation = LargeCompilation(copies: 6);
        using var cancellation = new CancellationTokenSource();
        var analysis = Task.Run(() => AnalyzerRunner.RunAsync(compilation, cancellationToken: cancellation.Token));
        await Task.Delay(150);
        if (analysis.IsCompleted)
        {
            Assert.Fail("the analysis finished before it could be cancelled: the compilation is too small for this test");
        }

        var stopwatch = Stopwatch.StartNew();
        cancellation.Cancel();
        await AssertCancelledPromptlyAsync(analysis);
        _output.WriteLine($"{compilation.SyntaxTrees.Count()} documents, cancelled after 150 ms: OperationCanceledException {stopwatch.ElapsedMilliseconds} ms after the cancel");
    }

    [Fact]
    public void Every_rule_callback_honours_a_cancelled_token()
    {
        // Warm up (JIT) every analyzer's callbacks on the plain snippets first, so the timings below are work, not compilation.
        var small = LargeCompilation(copies: 1, snippets: 30);
        var smallModels = Bind(small);
        foreach (var analyzer in AnalyzerRunner.All)
        {
            Pass(CallbackDriver.Start(analyzer, small), smallModels, CancellationToken.None);
        }

        // One compilation, bound once. Every analyzer's cancelled pass runs before any live pass, so nothing a live
        // pass caches can speed up a cancelled one; a rule that ignores the token does its whole work in the
        // cancelled pass (and then finds it cached in the live pass), which the check below catches.
        var compilation = ScaledCompilation();
        var models = Bind(compilation);
        var drivers = AnalyzerRunner.All.Select(a => CallbackDriver.Start(a, compilation)).ToList();
        var cancelledPasses = new List<PassResult>();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        foreach (var driver in drivers)
        {
            cancelledPasses.Add(Pass(driver, models, cancellation.Token));
        }

        var report = new List<string>();
        var failures = new List<string>();
        for (var i = 0; i < drivers.Count; i++)
        {
            var name = AnalyzerRunner.All[i].GetType().Name;
            var cancelled = cancelledPasses[i];
            var live = Pass(drivers[i], models, CancellationToken.None);
            failures.AddRange(live.Failures.Take(2).Select(f => $"{name} throws with a live token: {f}"));
            failures.AddRange(cancelled.Failures.Take(2).Select(f => $"{name} throws something other than OperationCanceledException with a cancelled token: {f}"));
            report.Add($"{name}: live {live.Elapsed.TotalMilliseconds:F0} ms ({live.Reported} diagnostics), "
                + $"cancelled {cancelled.Elapsed.TotalMilliseconds:F0} ms ({cancelled.Cancelled} of {models.Count} documents stopped by OperationCanceledException)"
                + (drivers[i].Unexercised.Count > 0 ? $"; not run here: {string.Join(", ", drivers[i].Unexercised.Distinct())}" : string.Empty));

            // Work inside a callback on a large root must stop when the token is cancelled. A slow cancelled pass is
            // measured again on a fresh compilation before it counts: a loaded machine can stall any pass.
            if (IsSlow(cancelled, live))
            {
                var fresh = ScaledCompilation();
                var again = Pass(CallbackDriver.Start(AnalyzerRunner.All[i], fresh), Bind(fresh), cancellation.Token);
                if (IsSlow(again, live))
                {
                    failures.Add($"{name} does not honour the cancellation token: {Math.Min(cancelled.Elapsed.TotalMilliseconds, again.Elapsed.TotalMilliseconds):F0} ms with a cancelled token, {live.Elapsed.TotalMilliseconds:F0} ms live");
                }
            }
        }

        _output.WriteLine($"{compilation.SyntaxTrees.Count()} documents with every method body repeated {BodyCopies} times\n" + string.Join("\n", report));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool IsSlow(PassResult cancelled, PassResult live)
        => cancelled.Elapsed >= SlowCallbacks && cancelled.Elapsed.TotalMilliseconds >= live.Elapsed.TotalMilliseconds / 3;

    private sealed record PassResult(TimeSpan Elapsed, int Reported, int Cancelled, List<string> Failures);

    private sealed record BoundTree(SemanticModel Model, List<(SyntaxNode Node, ISymbol? Symbol)> Nodes);

    /// <summary>
    /// Binds every member, as the compiler has when the driver runs the callbacks, and finds the nodes the callbacks
    /// are registered for: the timings are then the rules' own work.
    /// </summary>
    private static List<BoundTree> Bind(Compilation compilation)
    {
        var kinds = new HashSet<int>();
        foreach (var analyzer in AnalyzerRunner.All)
        {
            kinds.UnionWith(CallbackDriver.Start(analyzer, compilation).Kinds);
        }

        var trees = new List<BoundTree>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var member in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or VariableDeclaratorSyntax))
            {
                model.GetOperation(member);
            }

            trees.Add(new BoundTree(model, CallbackDriver.Prepare(model, kinds)));
        }

        return trees;
    }

    private static PassResult Pass(CallbackDriver driver, List<BoundTree> trees, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var reported = 0;
        var cancelled = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var tree in trees)
        {
            try
            {
                reported += driver.Run(tree.Model, tree.Nodes, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled++;
            }
            catch (Exception exception)
            {
                failures.Add(tree.Model.SyntaxTree.FilePath + ": " + exception);
            }
        }

        return new PassResult(stopwatch.Elapsed, reported, cancelled, failures);
    }

    private static async Task AssertCancelledPromptlyAsync(Task analysis)
    {
        var finished = await Task.WhenAny(analysis, Task.Delay(Prompt));
        Assert.True(finished == analysis, $"the analysis did not stop within {Prompt.TotalSeconds} s of the cancellation");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => analysis);
    }

    /// <summary>Every snippet of the corpus (or a sample of them) <paramref name="copies"/> times, each copy in its own namespace.</summary>
    private static Compilation LargeCompilation(int copies, int snippets = int.MaxValue)
    {
        var texts = new List<string>();
        var documents = ReliabilitySettings.Sample(SnippetCorpus.Snippets, snippets).Select((input, i) => new MutableDocument(input, i, input.Sources[0])).Where(d => !d.Solo).ToList();
        for (var copy = 0; copy < copies; copy++)
        {
            texts.AddRange(documents.Select(d => d.Unbroken($"C{copy}V{d.Index}")));
        }

        return AnalyzerRunner.Compile(texts, SnippetCorpus.ParseOptions.LanguageVersion);
    }

    /// <summary>The snippets with every method body repeated <see cref="BodyCopies"/> times (each copy a nested block): large roots.</summary>
    private static Compilation ScaledCompilation()
    {
        var texts = new List<string>();
        foreach (var (input, index) in ReliabilitySettings.Sample(SnippetCorpus.Snippets, 40).Select((input, index) => (input, index)))
        {
            var root = CSharpSyntaxTree.ParseText(input.Sources[0], SnippetCorpus.ParseOptions).GetRoot();
            var scaled = root.ReplaceNodes(
                root.DescendantNodes().OfType<BaseMethodDeclarationSyntax>().Where(m => m.Body is { Statements.Count: > 0 }),
                (original, _) => original.WithBody(SyntaxFactory.Block(Enumerable.Repeat<StatementSyntax>(original.Body!, BodyCopies))));
            var document = new MutableDocument(input, index, scaled.ToFullString());
            if (!document.Solo)
            {
                texts.Add(document.Unbroken("S" + index));
            }
        }

        return AnalyzerRunner.Compile(texts, SnippetCorpus.ParseOptions.LanguageVersion);
    }
}
