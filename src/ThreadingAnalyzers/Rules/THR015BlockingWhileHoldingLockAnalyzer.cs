using System;
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
            var gate = new TypeGate(types, static t => t.Monitor is not null);
            var typeEnd = new TypeEndWork(start);
            start.RegisterSymbolStartAction(
                typeStart =>
                {
                    if (!LockFacts.TypeMayHoldLocks((INamedTypeSymbol)typeStart.Symbol))
                    {
                        return;
                    }

                    var indirect = new PerTypeQueue<IndirectCall>();
                    SyntaxTrigger.Register(typeStart, gate.Guard(context => AnalyzeCall(context, types, indirect)), SyntaxKind.InvocationExpression, SyntaxKind.SimpleMemberAccessExpression);
                    typeEnd.Register(typeStart, (compilation, report, cancellationToken) => ReportIndirect(compilation, report, types, indirect, cancellationToken));
                },
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(typeEnd.FinishAll);
        });
    }

    /// <summary>
    /// A blocking call made where the shared lock facts say a lock is held is reported on the spot; a call to a source
    /// method made under a lock is kept for the end of the type (<see cref="ReportIndirect"/>). Members whose text
    /// names no lock are skipped before anything else is asked.
    /// </summary>
    private static void AnalyzeCall(SyntaxTrigger context, WellKnownTypes types, PerTypeQueue<IndirectCall> indirect)
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

        // The lock facts are asked last: only a blocking call or a call into a source method needs them.
        var direct = BlockingCalls.IsCandidateName(name) ? BlockingCalls.Describe(operation, types) : null;
        var callee = direct is null && operation is IInvocationOperation invocation ? CallSummaries.Callee(invocation) : null;
        if (direct is null && callee is null || LockFacts.GetHeldLocks(operation, types) is not { Count: > 0 } held)
        {
            return;
        }

        if (direct is not null)
        {
            context.ReportDiagnostic(Create(context.Node, "'" + direct + "' blocks", held[0].Describe()));
        }
        else
        {
            indirect.Add(new IndirectCall(context.Node, callee!, held[0].Describe()));
        }
    }

    /// <summary>
    /// Once the type's members are bound (<see cref="TypeEndWork"/>), whether each source method called under a lock
    /// blocks a few calls deep: the summaries read the driver's cached operations instead of binding them ahead of it.
    /// </summary>
    private static void ReportIndirect(Compilation compilation, Action<Diagnostic> report, WellKnownTypes types, PerTypeQueue<IndirectCall> indirect, CancellationToken cancellationToken)
    {
        if (indirect.Items is not { } calls)
        {
            return;
        }

        var summaries = CallSummaries.Get(compilation, types);
        foreach (var call in calls)
        {
            if (summaries.FindBlocking(call.Callee, cancellationToken) is { } found)
            {
                var blocking = "'" + call.Callee.Name + "()' blocks in '" + found.Description + "' (" + found.Chain + ")";
                report(Create(call.Syntax, blocking, call.HeldLock));
            }
        }
    }

    private static Diagnostic Create(SyntaxNode node, string blocking, string heldLock)
        => Diagnostic.Create(Descriptors.THR015BlockingWhileHoldingLock, node.GetLocation(), blocking, heldLock);

    /// <summary>A call to a source method made under a lock (its syntax, the callee, the lock held), kept until the end of its type.</summary>
    private readonly struct IndirectCall
    {
        public IndirectCall(SyntaxNode syntax, IMethodSymbol callee, string heldLock)
        {
            Syntax = syntax;
            Callee = callee;
            HeldLock = heldLock;
        }

        public SyntaxNode Syntax { get; }

        public IMethodSymbol Callee { get; }

        public string HeldLock { get; }
    }
}
