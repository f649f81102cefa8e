using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>
/// Calls an analyzer's syntax-node callbacks directly, with a token of our choosing, the way the driver would at
/// the moment the IDE cancels: this shows whether the analysis inside a callback honours the token (the driver
/// only checks it between callbacks). Registrations of other kinds are counted, not run.
/// </summary>
public sealed class CallbackDriver
{
    private readonly List<(Action<SyntaxNodeAnalysisContext> Action, ImmutableArray<int> Kinds)> _nodeActions = new();

    private CallbackDriver()
    {
    }

    /// <summary>Registrations this driver does not run (their kinds), so a report can say what was not exercised.</summary>
    public List<string> Unexercised { get; } = new();

    public int NodeActionCount => _nodeActions.Count;

    /// <summary>Initializes <paramref name="analyzer"/> and runs its compilation-start actions on <paramref name="compilation"/>.</summary>
    public static CallbackDriver Start(DiagnosticAnalyzer analyzer, Compilation compilation)
    {
        var driver = new CallbackDriver();
        var context = new Context(driver, compilation);
        analyzer.Initialize(context);
        foreach (var start in context.CompilationStartActions)
        {
            start(new StartContext(driver, compilation));
        }

        return driver;
    }

    /// <summary>The syntax kinds this analyzer's callbacks are registered for.</summary>
    public IEnumerable<int> Kinds
    {
        get
        {
            foreach (var (_, kinds) in _nodeActions)
            {
                foreach (var kind in kinds)
                {
                    yield return kind;
                }
            }
        }
    }

    /// <summary>
    /// The nodes of <paramref name="model"/>'s tree whose kind is in <paramref name="kinds"/>, with their containing
    /// symbols: computed once, outside any timing, and shared by every analyzer's pass.
    /// </summary>
    public static List<(SyntaxNode Node, ISymbol? Symbol)> Prepare(SemanticModel model, HashSet<int> kinds)
    {
        var nodes = new List<(SyntaxNode, ISymbol?)>();
        foreach (var node in model.SyntaxTree.GetRoot().DescendantNodesAndSelf())
        {
            if (kinds.Contains(node.RawKind))
            {
                nodes.Add((node, model.GetEnclosingSymbol(node.SpanStart)));
            }
        }

        return nodes;
    }

    /// <summary>Runs every syntax-node callback on the prepared nodes of its kinds; returns the number of diagnostics reported.</summary>
    public int Run(SemanticModel model, List<(SyntaxNode Node, ISymbol? Symbol)> nodes, CancellationToken cancellationToken)
    {
        var reported = 0;
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        foreach (var (node, symbol) in nodes)
        {
            foreach (var (action, kinds) in _nodeActions)
            {
                if (!kinds.Contains(node.RawKind))
                {
                    continue;
                }

#pragma warning disable CS0618 // Obsolete for analyzer authors; this harness is the driver, calling the callback itself with a token of its choosing.
                var context = new SyntaxNodeAnalysisContext(node, symbol, model, options, _ => reported++, _ => true, cancellationToken);
#pragma warning restore CS0618
                action(context);
            }
        }

        return reported;
    }

    private sealed class Context : AnalysisContext
    {
        private readonly CallbackDriver _driver;

        public Context(CallbackDriver driver, Compilation compilation)
        {
            _driver = driver;
            _ = compilation;
        }

        public List<Action<CompilationStartAnalysisContext>> CompilationStartActions { get; } = new();

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => CompilationStartActions.Add(action);

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => _driver.Unexercised.Add("Compilation");

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => _driver.Unexercised.Add("SemanticModel");

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => _driver.Unexercised.Add("Symbol");

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => _driver.Unexercised.Add("CodeBlockStart");

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => _driver.Unexercised.Add("CodeBlock");

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => _driver.Unexercised.Add("SyntaxTree");

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds)
            => _driver.AddNodeAction(action, syntaxKinds);

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _driver.Unexercised.Add("Operation");

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => _driver.Unexercised.Add("OperationBlock");

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => _driver.Unexercised.Add("OperationBlockStart");

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => _driver.Unexercised.Add("SymbolStart");

        public override void EnableConcurrentExecution()
        {
        }

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode)
        {
        }
    }

    private void AddNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> kinds)
        where TLanguageKindEnum : struct
    {
        var raw = ImmutableArray.CreateBuilder<int>();
        foreach (var kind in kinds)
        {
            raw.Add(Convert.ToInt32(kind, System.Globalization.CultureInfo.InvariantCulture));
        }

        _nodeActions.Add((action, raw.ToImmutable()));
    }

    private sealed class StartContext : CompilationStartAnalysisContext
    {
        private readonly CallbackDriver _driver;

        public StartContext(CallbackDriver driver, Compilation compilation)
            : base(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), CancellationToken.None)
        {
            _driver = driver;
        }

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => _driver.Unexercised.Add("CompilationEnd");

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => _driver.Unexercised.Add("SemanticModel");

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => _driver.Unexercised.Add("Symbol");

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => _driver.Unexercised.Add("CodeBlockStart");

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => _driver.Unexercised.Add("CodeBlock");

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => _driver.Unexercised.Add("SyntaxTree");

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds)
            => _driver.AddNodeAction(action, syntaxKinds);

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => _driver.Unexercised.Add("Operation");

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => _driver.Unexercised.Add("OperationBlock");

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => _driver.Unexercised.Add("OperationBlockStart");

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => _driver.Unexercised.Add("SymbolStart");
    }
}
