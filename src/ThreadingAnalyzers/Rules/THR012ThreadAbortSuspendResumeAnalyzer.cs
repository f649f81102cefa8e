using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR012: every call of <c>Thread.Abort</c>, <c>Thread.ResetAbort</c>, <c>Thread.Suspend</c> or <c>Thread.Resume</c>.
/// All four throw <c>PlatformNotSupportedException</c> on .NET Core and .NET 5+ (checked on .NET 10); on .NET Framework
/// Abort stops a thread at an arbitrary point and Suspend stops it wherever it is, including inside a lock.
/// </summary>
/// <remarks>
/// Triggered on <c>x.Abort()</c>-shaped invocations (<see cref="SyntaxTrigger"/>); their names are checked before
/// anything else. No code fix: a cooperative stop needs the thread's loop to check a token or a flag.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR012ThreadAbortSuspendResumeAnalyzer : DiagnosticAnalyzer
{
    private const int MaxReceiverLength = 40;

    private const string Unsupported = "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework ";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR012ThreadAbortSuspendResume);

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

            SyntaxTrigger.RegisterCalls(start, static name => Reason(name) is not null, gate.Guard(context => AnalyzeInvocation(context, types)));
        });
    }

    private static void AnalyzeInvocation(SyntaxTrigger context, WellKnownTypes types)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => null,
        };
        var reason = Reason(name);
        if (reason is null || name == "ResetAbort" && OnlyRunsDuringAnAbort(invocation, context.SemanticModel, context.CancellationToken))
        {
            return;
        }

        if (context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation operation
            || operation.TargetMethod.Name != name
            || !WellKnownTypes.Is(operation.TargetMethod.ContainingType, types.Thread))
        {
            return;
        }

        // In 'worker?.Abort()' the invocation is only '.Abort()': report the whole conditional access.
        SyntaxNode reported = invocation.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == invocation
            ? conditional
            : invocation;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR012ThreadAbortSuspendResume,
            reported.GetLocation(),
            Describe(reported, name!),
            reason));
    }

    /// <summary>
    /// True for a <c>ResetAbort()</c> that only runs while an abort is under way: in a <c>catch</c> of
    /// <c>ThreadAbortException</c>, or under a test of <c>ThreadState.AbortRequested</c>. Such code answers an abort
    /// requested by someone else (a .NET Framework host) and never runs on .NET Core, where nothing aborts threads.
    /// </summary>
    private static bool OnlyRunsDuringAnAbort(SyntaxNode call, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var ancestor in call.Ancestors())
        {
            switch (ancestor)
            {
                case CatchClauseSyntax { Declaration.Type: var caught } when IsThreadingType(model.GetTypeInfo(caught, cancellationToken).Type, "ThreadAbortException"):
                    return true;
                case IfStatementSyntax { Condition: var condition } when TestsAbortRequested(condition, model, cancellationToken):
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static bool TestsAbortRequested(ExpressionSyntax condition, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var node in condition.DescendantNodesAndSelf())
        {
            if (node is IdentifierNameSyntax { Identifier.ValueText: "AbortRequested" } name
                && model.GetSymbolInfo(name, cancellationToken).Symbol is IFieldSymbol { ContainingType: var type } && IsThreadingType(type, "ThreadState"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsThreadingType(ITypeSymbol? type, string name)
        => type is { Name: var actual, ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } && actual == name;

    private static string? Reason(string? name) => name switch
    {
        "Abort" => Unsupported + "stops the thread at an arbitrary point, possibly inside a lock or a finally block",
        "ResetAbort" => Unsupported + "only exists to cancel an Abort",
        "Suspend" => Unsupported + "can stop the thread while it holds a lock, freezing every thread that needs that lock",
        "Resume" => Unsupported + "pairs with Suspend, which can stop a thread while it holds a lock",
        _ => null,
    };

    /// <summary>The call as written (<c>worker.Abort()</c>), or <c>Thread.Abort()</c> when the receiver is long or implicit.</summary>
    private static string Describe(SyntaxNode reported, string name)
    {
        var (receiver, separator) = reported switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => (access.Expression.ToString(), "."),
            ConditionalAccessExpressionSyntax conditional => (conditional.Expression.ToString(), "?."),
            _ => (null, null),
        };
        if (receiver is not null && receiver.Length <= MaxReceiverLength && receiver.IndexOf('\n') < 0)
        {
            return receiver + separator + name + "()";
        }

        return "Thread." + name + "()";
    }
}
