using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A rule triggered on a kind of syntax (a lock statement, an invocation, a loop), delivered as the operation the
/// analyzer driver has already bound for that syntax rather than as a syntax node action.
/// </summary>
/// <remarks>
/// The driver binds every member whose operations some analyzer asks for, outside any analyzer's time; a syntax node
/// action that calls <c>GetOperation</c> binds the member itself and pays for it (a probe binding every method body
/// from a syntax action cost 8–20 % of the compiler's own time on the benchmark corpus; the same binding through an
/// operation action, under 0.2 %). Every <c>GetOperation</c> a rule makes inside its trigger's member is then a cache
/// lookup in the driver's semantic model.
/// </remarks>
internal readonly struct SyntaxTrigger
{
    private readonly OperationAnalysisContext _context;

    private SyntaxTrigger(OperationAnalysisContext context) => _context = context;

    /// <summary>The syntax that triggered the rule (one of the kinds it registered for).</summary>
    public SyntaxNode Node => _context.Operation.Syntax;

    /// <summary>The operation the driver bound for <see cref="Node"/>.</summary>
    public IOperation Operation => _context.Operation;

    /// <summary>The driver's semantic model of the tree: binding in the trigger's member is already done.</summary>
    public SemanticModel SemanticModel => _context.Operation.SemanticModel!;

    public Compilation Compilation => _context.Compilation;

    public ISymbol ContainingSymbol => _context.ContainingSymbol;

    public CancellationToken CancellationToken => _context.CancellationToken;

    public void ReportDiagnostic(Diagnostic diagnostic) => _context.ReportDiagnostic(diagnostic);

    /// <summary>
    /// Runs <paramref name="action"/> once for each explicit operation whose syntax is one of <paramref name="kinds"/>
    /// (an operation the compiler adds, such as a collection initializer's <c>Add</c>, shares its syntax and is skipped).
    /// </summary>
    public static void Register(CompilationStartAnalysisContext start, Action<SyntaxTrigger> action, params SyntaxKind[] kinds)
        => Register((run, operationKinds) => start.RegisterOperationAction(run, operationKinds), action, kinds);

    /// <summary>
    /// The same, for the members of one type only (a rule that finishes its work at the end of the type, when the
    /// driver has bound all of the type's members).
    /// </summary>
    public static void Register(SymbolStartAnalysisContext typeStart, Action<SyntaxTrigger> action, params SyntaxKind[] kinds)
        => Register((run, operationKinds) => typeStart.RegisterOperationAction(run, operationKinds), action, kinds);

    private static void Register(Action<Action<OperationAnalysisContext>, ImmutableArray<OperationKind>> register, Action<SyntaxTrigger> action, SyntaxKind[] kinds)
    {
        var syntaxKinds = new HashSet<int>();
        var operationKinds = new HashSet<OperationKind>();
        foreach (var kind in kinds)
        {
            syntaxKinds.Add((int)kind);
            foreach (var operationKind in OperationKindsOf(kind))
            {
                operationKinds.Add(operationKind);
            }
        }

        register(
            context =>
            {
                var operation = context.Operation;
                if (!operation.IsImplicit && syntaxKinds.Contains(operation.Syntax.RawKind))
                {
                    action(new SyntaxTrigger(context));
                }
            },
            operationKinds.ToImmutableArray());
    }

    /// <summary>The kinds of operation whose syntax can be a node of <paramref name="kind"/>.</summary>
    private static OperationKind[] OperationKindsOf(SyntaxKind kind) => kind switch
    {
        SyntaxKind.InvocationExpression => new[] { OperationKind.Invocation, OperationKind.DynamicInvocation, OperationKind.NameOf, OperationKind.Invalid },
        SyntaxKind.SimpleMemberAccessExpression => new[]
        {
            OperationKind.PropertyReference, OperationKind.FieldReference, OperationKind.EventReference, OperationKind.MethodReference,
            OperationKind.DynamicMemberReference, OperationKind.Invalid,
        },
        SyntaxKind.Argument => new[] { OperationKind.Argument },
        SyntaxKind.LockStatement => new[] { OperationKind.Lock },
        SyntaxKind.WhileStatement or SyntaxKind.DoStatement or SyntaxKind.ForStatement => new[] { OperationKind.Loop },
        SyntaxKind.IfStatement => new[] { OperationKind.Conditional },
        SyntaxKind.ObjectCreationExpression or SyntaxKind.ImplicitObjectCreationExpression => new[]
        {
            OperationKind.ObjectCreation, OperationKind.DelegateCreation, OperationKind.TypeParameterObjectCreation,
            OperationKind.DynamicObjectCreation, OperationKind.Invalid,
        },
        SyntaxKind.SimpleAssignmentExpression => new[] { OperationKind.SimpleAssignment, OperationKind.DeconstructionAssignment, OperationKind.Invalid },
        SyntaxKind.CoalesceAssignmentExpression => new[] { OperationKind.CoalesceAssignment, OperationKind.Invalid },
        SyntaxKind.PreIncrementExpression or SyntaxKind.PostIncrementExpression => new[] { OperationKind.Increment, OperationKind.Invalid },
        SyntaxKind.PreDecrementExpression or SyntaxKind.PostDecrementExpression => new[] { OperationKind.Decrement, OperationKind.Invalid },
        _ when SyntaxFacts.IsAssignmentExpression(kind) => new[] { OperationKind.CompoundAssignment, OperationKind.EventAssignment, OperationKind.Invalid },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No operation kind is mapped for this syntax kind."),
    };
}
