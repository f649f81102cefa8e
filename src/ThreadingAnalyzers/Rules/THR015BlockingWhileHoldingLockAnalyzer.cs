using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR015: a blocking call (<c>Thread.Sleep</c>, <c>Join</c>, <c>Task.Wait</c>/<c>.Result</c>/<c>GetAwaiter().GetResult()</c>,
/// <c>WaitOne</c>, <c>BlockingCollection.Take</c>, synchronous socket/HTTP/file I/O…) made while a lock is held:
/// directly (lock statement, Monitor/semaphore/reader-writer region, lock scope, from the shared <see cref="LockFacts"/>),
/// or through source methods a few levels deep (<see cref="CallSummaries"/>).
/// </summary>
/// <remarks>
/// The direct case is reported at the blocking call, the indirect one at the call made under the lock (the callee
/// may also run without the lock elsewhere). Lock acquisitions and <c>Monitor.Wait</c> are not blocking calls here.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR015BlockingWhileHoldingLockAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR015BlockingWhileHoldingLock);

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
            if (types.Monitor is null)
            {
                return;
            }

            SyntaxTrigger.Register(start, context => AnalyzeCall(context, types), SyntaxKind.InvocationExpression, SyntaxKind.SimpleMemberAccessExpression);
        });
    }

    /// <summary>
    /// A blocking call, or a call to a source method that blocks a few calls deep, made where the shared lock facts
    /// say a lock is held. Members whose text names no lock are skipped before anything else is asked.
    /// </summary>
    private static void AnalyzeCall(SyntaxTrigger context, WellKnownTypes types)
    {
        var name = context.Node switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: IdentifierNameSyntax or GenericNameSyntax } => string.Empty,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result", Parent: not InvocationExpressionSyntax } access => access.Name.Identifier.ValueText,
            _ => null,
        };
        if (name is null || !LockFacts.MemberMayHoldLocks(context.Node)
            || context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is not { } operation)
        {
            return;
        }

        string? blocking = null;
        if (BlockingCalls.IsCandidateName(name) && BlockingCalls.Describe(operation, types) is { } direct)
        {
            blocking = "'" + direct + "' blocks";
        }
        else if (operation is IInvocationOperation invocation && CallSummaries.Callee(invocation) is { } callee)
        {
            if (!HoldsLock(operation, types)
                || CallSummaries.Get(context.Compilation, types).FindBlocking(callee, context.CancellationToken) is not { } found)
            {
                return;
            }

            blocking = "'" + callee.Name + "()' blocks in '" + found.Description + "' (" + found.Chain + ")";
        }

        if (blocking is null)
        {
            return;
        }

        var held = LockFacts.GetHeldLocks(operation, types);
        if (held.Count == 0)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR015BlockingWhileHoldingLock,
            context.Node.GetLocation(),
            blocking,
            held[0].Describe()));
    }

    private static bool HoldsLock(IOperation operation, WellKnownTypes types) => LockFacts.GetHeldLocks(operation, types).Count > 0;
}
