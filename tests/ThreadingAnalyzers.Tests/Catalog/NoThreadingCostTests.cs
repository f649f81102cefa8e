using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Catalog;

/// <summary>
/// A compilation whose source never mentions threading must cost next to nothing (issue 8): every analyzer returns
/// from its compilation start without registering an action. A new rule that forgets the gate fails here.
/// </summary>
public class NoThreadingCostTests
{
    private const string BusinessCode = """
        using System.Collections.Generic;

        public sealed class OrderBook
        {
            private readonly Queue<int> _pending = new Queue<int>();
            private readonly Dictionary<int, string> _names = new Dictionary<int, string>();

            public void Start() => Run();

            public void Run()
            {
                while (_pending.Count > 0)
                {
                    var id = _pending.Dequeue();
                    _names[id] = "order " + id;
                }
            }

            public void Add(int id) => _pending.Enqueue(id);
        }
        """;

    public static TheoryData<string> AnalyzerNames()
    {
        var data = new TheoryData<string>();
        foreach (var analyzer in AnalyzerRunner.All)
        {
            data.Add(analyzer.GetType().Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public async Task The_analyzer_registers_no_action_in_code_without_threading(string analyzerName)
    {
        DiagnosticAnalyzer? analyzer = null;
        foreach (var candidate in AnalyzerRunner.All)
        {
            if (candidate.GetType().Name == analyzerName)
            {
                analyzer = candidate;
            }
        }

        Assert.NotNull(analyzer);
        var compilation = AnalyzerRunner.Compile(new[] { BusinessCode });
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create(analyzer!), new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer!, default);

        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.SyntaxNodeActionsCount + telemetry.OperationActionsCount + telemetry.OperationBlockStartActionsCount
            + telemetry.OperationBlockActionsCount + telemetry.CodeBlockStartActionsCount + telemetry.CodeBlockActionsCount
            + telemetry.SymbolActionsCount + telemetry.SymbolStartActionsCount + telemetry.SyntaxTreeActionsCount
            + telemetry.SemanticModelActionsCount + telemetry.CompilationActionsCount + telemetry.CompilationEndActionsCount);
    }

    [Fact]
    public async Task The_same_code_with_a_thread_start_does_register_actions()
    {
        var compilation = AnalyzerRunner.Compile(new[] { BusinessCode.Replace("public void Start() => Run();", "public void Start() => new System.Threading.Thread(Run).Start();") });
        var analyzers = AnalyzerRunner.All;
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var registered = 0;
        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
            registered += telemetry.SyntaxNodeActionsCount + telemetry.OperationActionsCount;
        }

        Assert.True(registered > 0);
    }
}
