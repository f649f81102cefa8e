using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR005: a foreground <c>Thread</c> started in a method that neither joins it on every path to the method's end nor
/// hands it to anyone (field, collection, call, return, lambda). A warning when the method then reads storage the thread
/// writes while it may still run, or when the thread is started in a loop and lost at the next pass; a suggestion otherwise.
/// </summary>
/// <remarks>
/// Triggered on <c>x.Start()</c>. Per method, once: a may-reach analysis over the control flow graph
/// (gen = start, kill = <c>Join</c> or a failed <c>IsAlive</c> test, probes at the method's exit and at the creation),
/// then, only for threads left running, the shared concurrency layer: what the thread's code writes (followed into the
/// methods it calls) and which reads of the method may run beside it.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class THR005ThreadNeverJoinedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: which fix applies, <see cref="JoinFix"/> or <see cref="CollectFix"/>.</summary>
    public const string FixProperty = "Fix";

    /// <summary>Join the thread before the read at additional location 0, or before the method's end when there is none.</summary>
    public const string JoinFix = "Join";

    /// <summary>Collect the threads of the loop at additional location 0 into a list and join them after it.</summary>
    public const string CollectFix = "Collect";

    private static readonly RootCache<Dictionary<SyntaxNode, Finding>> Findings = new();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR005ThreadNeverJoined);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (!ThreadingMentions.MayUseThreading(start.Compilation, start.CancellationToken))
            {
                return;
            }

            var types = WellKnownTypes.Get(start.Compilation);
            var gate = new TypeGate(types, static t => t.Thread is not null);

            SyntaxTrigger.RegisterCallsForWholeCompilation(start, static name => name is "Start" or "UnsafeStart", gate.Guard(context => AnalyzeInvocation(context, types)));
        });
    }

    private static void AnalyzeInvocation(SyntaxTrigger context, WellKnownTypes types)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start" or "UnsafeStart" })
        {
            return;
        }

        if (context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation operation
            || !IsThreadStart(operation, types)
            || context.KeepForCompilationEnd())
        {
            return;
        }

        var root = FlowGraphs.GetRoot(operation);
        var model = context.SemanticModel;
        var cancellationToken = context.CancellationToken;
        var findings = Findings.GetOrCreate(root, r => new JoinAnalysis(r, model, types, cancellationToken).Run());
        if (!findings.TryGetValue(invocation, out var finding))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, finding.Fix);
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR005ThreadNeverJoined,
            invocation.GetLocation(),
            finding.Severity,
            finding.Anchor is null ? null : new[] { finding.Anchor.GetLocation() },
            properties,
            finding.Subject,
            finding.Reason));
    }

    private static bool IsThreadStart(IInvocationOperation invocation, WellKnownTypes types)
        => invocation.TargetMethod.Name is "Start" or "UnsafeStart"
            && WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread);

    private sealed class Finding
    {
        public Finding(string subject, string reason, DiagnosticSeverity severity, string fix, SyntaxNode? anchor)
        {
            Subject = subject;
            Reason = reason;
            Severity = severity;
            Fix = fix;
            Anchor = anchor;
        }

        public string Subject { get; }

        public string Reason { get; }

        public DiagnosticSeverity Severity { get; }

        public string Fix { get; }

        /// <summary>The first early read (join fix), or the loop (collect fix); null for "join before the end".</summary>
        public SyntaxNode? Anchor { get; }
    }

    /// <summary>A start of a thread this method created and keeps to itself.</summary>
    private sealed class Candidate
    {
        public Candidate(IInvocationOperation start, IObjectCreationOperation creation, ILocalSymbol? local)
        {
            Start = start;
            Creation = creation;
            Local = local;
        }

        public IInvocationOperation Start { get; }

        public IObjectCreationOperation Creation { get; }

        /// <summary>The local holding the thread; null for <c>new Thread(…).Start()</c>.</summary>
        public ILocalSymbol? Local { get; }

        public int StartEvent { get; set; } = -1;

        public int ExitProbe { get; set; } = -1;

        public int CreationProbe { get; set; } = -1;

        /// <summary>"Thread 'worker'", "The thread running 'Work'" or "The thread".</summary>
        public string Subject
        {
            get
            {
                if (Local is not null)
                {
                    return "Thread '" + Local.Name + "'";
                }

                return ThreadCreations.GetDelegateTarget(ThreadCreations.GetStartDelegate(Creation)) is { MethodKind: not MethodKind.AnonymousFunction } method
                    ? "The thread running '" + method.Name + "'"
                    : "The thread";
            }
        }
    }
}
