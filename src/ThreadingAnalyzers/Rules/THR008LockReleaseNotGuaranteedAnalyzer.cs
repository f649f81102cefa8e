using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR008: a lock taken with <c>Monitor.Enter</c>/<c>TryEnter</c>, <c>SpinLock</c>, <c>Mutex</c>, <c>Semaphore</c>,
/// <c>SemaphoreSlim</c> or <c>ReaderWriterLockSlim</c> and released in the same method, but not on every path: an
/// exception (or an early return) between acquire and release leaves it held. Also a <c>Monitor.TryEnter</c> whose
/// result is ignored.
/// </summary>
/// <remarks>
/// Silent when the method never releases the lock (a wrapper such as <c>Acquire()</c>, or a hand-off to a callback
/// that releases it): only a release that exists but is not guaranteed is evidence. The path facts come from
/// <see cref="ReleaseGuarantee"/> on the method's control flow graph.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR008LockReleaseNotGuaranteedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: present when the diagnostic is about an ignored <c>TryEnter</c> result (no fix).</summary>
    public const string IgnoredResultProperty = "IgnoredResult";

    private static readonly char[] LineBreaks = { '\r', '\n' };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR008LockReleaseNotGuaranteed);

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
            var gate = new TypeGate(types, static t => t.Monitor is not null);

            SyntaxTrigger.RegisterCalls(start, LockFacts.IsAcquireName, gate.Guard(context => AnalyzeInvocation(context, types)));
        });
    }

    private static void AnalyzeInvocation(SyntaxTrigger context, WellKnownTypes types)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        var name = syntax.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };
        if (name is null || !LockFacts.IsAcquireName(name))
        {
            return;
        }

        if (context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || invocation.IsImplicit
            || LockFacts.MatchAcquire(invocation, types) is not { AcquireCall: not null, LockedValue: not null } acquire)
        {
            return;
        }

        if (acquire.Outcome == AcquireOutcome.ReturnsBool && acquire.IsStaticMonitorCall && invocation.Parent is IExpressionStatementOperation)
        {
            Report(context, acquire, "ignores the result of TryEnter: the code after it runs whether or not the lock was taken, and its Monitor.Exit then throws SynchronizationLockException", ignored: true);
            return;
        }

        if (IsReleasedInNestedFunction(invocation, acquire, types))
        {
            return;
        }

        var state = (Acquire: acquire, Types: types);
        if (ReleaseGuarantee.IsCoveredByFinally(invocation, acquire.Outcome == AcquireOutcome.Always, IsMatchingRelease, state)
            || FlowGraphs.GetEnclosingGraph(invocation, context.CancellationToken) is not { } graph)
        {
            return;
        }

        var check = ReleaseGuarantee.Check(
            graph,
            syntax,
            acquire.Outcome == AcquireOutcome.ReturnsBool,
            IsMatchingRelease,
            state,
            context.CancellationToken);
        switch (check.Verdict)
        {
            case ReleaseVerdict.ExceptionEscapes:
                Report(context, acquire, "is not released in a finally block: if '" + DescribeWitness(check.Witness) + "' throws, '" + acquire.ReleaseApiName + "' never runs and every other thread waiting for the lock blocks forever", ignored: false);
                break;
            case ReleaseVerdict.PathEscapes:
                Report(context, acquire, "is not released on every path: a path leaves the method without calling '" + acquire.ReleaseApiName + "' and the lock stays held", ignored: false);
                break;
        }
    }

    private static bool IsMatchingRelease(IInvocationOperation candidate, (HeldLock Acquire, WellKnownTypes Types) state)
        => LockFacts.IsMatchingRelease(candidate, state.Acquire, state.Types);

    private static void Report(SyntaxTrigger context, HeldLock acquire, string reason, bool ignored)
    {
        var properties = ignored
            ? ImmutableDictionary<string, string?>.Empty.Add(IgnoredResultProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR008LockReleaseNotGuaranteed,
            context.Node.GetLocation(),
            properties,
            acquire.ApiName,
            LockObjects.Describe(acquire.LockedValue!),
            reason));
    }

    /// <summary>The statement that can throw, as written, shortened to one line.</summary>
    private static string DescribeWitness(SyntaxNode? witness)
    {
        var node = witness switch
        {
            ExpressionStatementSyntax statement => statement.Expression,
            { Parent: ThrowStatementSyntax or ThrowExpressionSyntax } thrown => thrown.Parent,
            _ => witness,
        };
        var text = node?.ToString() ?? "the code before the release";
        var newline = text.IndexOfAny(LineBreaks);
        if (newline >= 0)
        {
            text = text.Substring(0, newline).TrimEnd() + "…";
        }

        return text.Length > 60 ? text.Substring(0, 59) + "…" : text;
    }

    /// <summary>True when a lambda or local function of the same member releases the lock: the release is handed off.</summary>
    private static bool IsReleasedInNestedFunction(IInvocationOperation invocation, HeldLock acquire, WellKnownTypes types)
    {
        var function = invocation.GetEnclosingFunction();
        var scope = function ?? FlowGraphs.GetRoot(invocation);
        foreach (var operation in scope.Descendants())
        {
            if (operation is IInvocationOperation candidate
                && LockFacts.IsReleaseName(candidate.TargetMethod.Name)
                && LockFacts.IsMatchingRelease(candidate, acquire, types)
                && candidate.GetEnclosingFunction() != function)
            {
                return true;
            }
        }

        return false;
    }
}
