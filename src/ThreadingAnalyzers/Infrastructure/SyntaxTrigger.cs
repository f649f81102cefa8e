using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
    private readonly ConcurrentQueue<SyntaxTrigger>? _keep;
    private readonly CompilationEnd? _end;

    private SyntaxTrigger(OperationAnalysisContext context, ConcurrentQueue<SyntaxTrigger>? keep, CompilationEnd? end)
    {
        _context = context;
        _keep = keep;
        _end = end;
    }

    /// <summary>The syntax that triggered the rule (one of the kinds it registered for).</summary>
    public SyntaxNode Node => _context.Operation.Syntax;

    /// <summary>The operation the driver bound for <see cref="Node"/>.</summary>
    public IOperation Operation => _context.Operation;

    /// <summary>The driver's semantic model of the tree: binding in the trigger's member is already done.</summary>
    public SemanticModel SemanticModel => _context.Operation.SemanticModel!;

    public Compilation Compilation => _context.Compilation;

    public ISymbol ContainingSymbol => _context.ContainingSymbol;

    public CancellationToken CancellationToken => _end?.Context.CancellationToken ?? _context.CancellationToken;

    public void ReportDiagnostic(Diagnostic diagnostic)
    {
        if (_end is { } end)
        {
            end.Context.ReportDiagnostic(diagnostic);
        }
        else
        {
            _context.ReportDiagnostic(diagnostic);
        }
    }

    /// <summary>
    /// Asked by a rule registered with <see cref="RegisterForWholeCompilation"/> once its checks of the trigger's own
    /// code have passed, before its first question about the rest of the compilation: true when the driver is
    /// analysing the whole compilation, in which case the trigger is kept and the rule runs again for it, from the
    /// start, at the end of the compilation (where this returns false), and the rule returns now.
    /// </summary>
    public bool KeepForCompilationEnd()
    {
        if (_keep is null)
        {
            return false;
        }

        _keep.Enqueue(new SyntaxTrigger(_context, keep: null, end: null));
        return true;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once for each explicit operation whose syntax is one of <paramref name="kinds"/>
    /// (an operation the compiler adds, such as a collection initializer's <c>Add</c>, shares its syntax and is skipped).
    /// </summary>
    public static void Register(CompilationStartAnalysisContext start, Action<SyntaxTrigger> action, params SyntaxKind[] kinds)
    {
        var filter = new TriggerFilter(kinds, acceptsCalledName: null);
        start.RegisterOperationAction(filter.Wrap(action, keep: null), filter.OperationKinds);
    }

    /// <summary>
    /// Runs <paramref name="action"/> for each call (an invocation expression) whose called name
    /// (<c>Start</c> in <c>t.Start()</c>, <c>t?.Start()</c> or <c>Start()</c>) passes <paramref name="acceptsCalledName"/>,
    /// tested before anything else is made for the callback: the driver calls a rule on every invocation of the
    /// compilation, and most rules want a few names.
    /// </summary>
    public static void RegisterCalls(CompilationStartAnalysisContext start, Func<string, bool> acceptsCalledName, Action<SyntaxTrigger> action)
    {
        var filter = new TriggerFilter(new[] { SyntaxKind.InvocationExpression }, acceptsCalledName);
        start.RegisterOperationAction(filter.Wrap(action, keep: null), filter.OperationKinds);
    }

    /// <summary>
    /// The same, for the members of one type only (a rule that finishes its work at the end of the type, when the
    /// driver has bound all of the type's members).
    /// </summary>
    public static void Register(SymbolStartAnalysisContext typeStart, Action<SyntaxTrigger> action, params SyntaxKind[] kinds)
    {
        var filter = new TriggerFilter(kinds, acceptsCalledName: null);
        typeStart.RegisterOperationAction(filter.Wrap(action, keep: null), filter.OperationKinds);
    }

    /// <summary>
    /// The same, for a rule whose answer needs the whole compilation (the concurrency model, the call summaries) and
    /// that asks <see cref="KeepForCompilationEnd"/> before it needs it: when the driver analyses the whole compilation
    /// (a build), such triggers run again at the end of the compilation, once the driver has bound every member, instead
    /// of binding members ahead of it; when it analyses one document (the IDE), <see cref="KeepForCompilationEnd"/> is
    /// false and the rule goes on at once.
    /// </summary>
    /// <remarks>
    /// A type's start action is told which document the driver analyses (<see cref="SymbolStartAnalysisContext.FilterTree"/>,
    /// null for the whole compilation), and a request for the whole compilation always ends with its compilation-end
    /// actions. The driver's semantic model of every tree is kept (<see cref="SemanticModels"/>), so the rule's
    /// questions at the end are answered from the driver's binding, not by binding again.
    /// </remarks>
    public static void RegisterForWholeCompilation(CompilationStartAnalysisContext start, Action<SyntaxTrigger> action, params SyntaxKind[] kinds)
        => RegisterForWholeCompilation(start, new TriggerFilter(kinds, acceptsCalledName: null), action);

    /// <summary>The same for calls whose called name passes <paramref name="acceptsCalledName"/> (see <see cref="RegisterCalls"/>).</summary>
    public static void RegisterCallsForWholeCompilation(CompilationStartAnalysisContext start, Func<string, bool> acceptsCalledName, Action<SyntaxTrigger> action)
        => RegisterForWholeCompilation(start, new TriggerFilter(new[] { SyntaxKind.InvocationExpression }, acceptsCalledName), action);

    private static void RegisterForWholeCompilation(CompilationStartAnalysisContext start, TriggerFilter filter, Action<SyntaxTrigger> action)
    {
        SemanticModels.KeepDriverModels(start);
        var kept = new ConcurrentQueue<SyntaxTrigger>();
        var onTheSpot = filter.Wrap(action, keep: null);
        var keeping = filter.Wrap(action, kept);
        start.RegisterSymbolStartAction(
            typeStart => typeStart.RegisterOperationAction(typeStart.FilterTree is null ? keeping : onTheSpot, filter.OperationKinds),
            SymbolKind.NamedType);
        start.RegisterCompilationEndAction(context =>
        {
            var end = new CompilationEnd(context);
            while (kept.TryDequeue(out var trigger))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                action(new SyntaxTrigger(trigger._context, keep: null, end));
            }
        });
    }

    /// <summary>The compilation-end action kept triggers run in: where they report, and their cancellation.</summary>
    private sealed class CompilationEnd
    {
        public CompilationEnd(CompilationAnalysisContext context) => Context = context;

        public CompilationAnalysisContext Context { get; }
    }

    /// <summary>The syntax kinds a rule triggers on, and the operation kinds the driver is asked for to deliver them.</summary>
    private sealed class TriggerFilter
    {
        // Indexed by syntax kind: one array read per callback (the driver calls every rule on every operation of its kinds).
        private readonly bool[] _syntaxKinds;
        private readonly Func<string, bool>? _acceptsCalledName;

        public TriggerFilter(SyntaxKind[] kinds, Func<string, bool>? acceptsCalledName)
        {
            _acceptsCalledName = acceptsCalledName;
            var operationKinds = new HashSet<OperationKind>();
            var largest = 0;
            foreach (var kind in kinds)
            {
                largest = Math.Max(largest, (int)kind);
            }

            _syntaxKinds = new bool[largest + 1];
            foreach (var kind in kinds)
            {
                _syntaxKinds[(int)kind] = true;
                foreach (var operationKind in OperationKindsOf(kind))
                {
                    operationKinds.Add(operationKind);
                }
            }

            OperationKinds = operationKinds.ToImmutableArray();
        }

        public ImmutableArray<OperationKind> OperationKinds { get; }

        public Action<OperationAnalysisContext> Wrap(Action<SyntaxTrigger> action, ConcurrentQueue<SyntaxTrigger>? keep) => context =>
        {
            var operation = context.Operation;
            var syntax = operation.Syntax;
            var kind = syntax.RawKind;
            if (kind < _syntaxKinds.Length && _syntaxKinds[kind] && !operation.IsImplicit
                && (_acceptsCalledName is null || CalledName(syntax) is { } name && _acceptsCalledName(name)))
            {
                action(new SyntaxTrigger(context, keep, end: null));
            }
        };

        private static string? CalledName(SyntaxNode syntax) => syntax is InvocationExpressionSyntax invocation
            ? invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
                SimpleNameSyntax name => name.Identifier.ValueText,
                _ => null,
            }
            : null;
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
