using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR013: <c>Monitor.Wait</c> that is not in a loop re-checking its condition (guarded by an <c>if</c>, or not guarded
/// at all), and <c>Monitor.Wait</c>/<c>Pulse</c>/<c>PulseAll</c> called without holding the lock on the same object.
/// </summary>
/// <remarks>
/// "Not holding the lock" is reported only with evidence: the call holds a lock on another object, or nothing in
/// its method takes a lock on that object and no caller in the type calls the method while holding it (a private
/// helper called under the lock is fine), and the object is private or the method is, so outside code cannot hold it.
/// A timed wait that is not guarded by a condition (<c>Monitor.Wait(gate, 1000)</c> used as an interruptible sleep) is not a condition wait.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR013MonitorWaitPulseMisuseAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: present when the Wait is guarded by an <c>if</c> (the fixer may turn it into <c>while</c>).</summary>
    public const string GuardedByIfProperty = "GuardedByIf";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR013MonitorWaitPulseMisuse);

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

            SyntaxTrigger.RegisterCallsForWholeCompilation(start, static name => name is "Wait" or "Pulse" or "PulseAll", gate.Guard(context => AnalyzeInvocation(context, types)));
        });
    }

    private static void AnalyzeInvocation(SyntaxTrigger context, WellKnownTypes types)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (syntax.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" or "Pulse" or "PulseAll" }
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || !WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Monitor)
            || LockFacts.ArgumentFor(invocation, 0) is not { } lockObject)
        {
            return;
        }

        if (context.KeepForCompilationEnd())
        {
            return;
        }

        var call = "Monitor." + invocation.TargetMethod.Name + "(" + lockObject.Syntax + ")";
        var held = HeldLocks.Find(invocation, lockObject, types, CallSummaries.Get(context.Compilation, types), context.CancellationToken);
        if (held.HoldsSame)
        {
            if (invocation.TargetMethod.Name == "Wait" && IsConditionWaitOutsideLoop(invocation, out var guardedByIf))
            {
                var properties = guardedByIf
                    ? ImmutableDictionary<string, string?>.Empty.Add(GuardedByIfProperty, "true")
                    : ImmutableDictionary<string, string?>.Empty;
                var reason = guardedByIf
                    ? "is guarded by 'if' instead of a 'while' loop: after a spurious wake-up, or when another thread consumed the state first, the code goes on with its condition false"
                    : "is not in a loop that re-checks a condition: a Pulse sent before the Wait is lost and the thread sleeps until the next one, or forever";
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR013MonitorWaitPulseMisuse, syntax.GetLocation(), properties, call, reason));
            }

            return;
        }

        string? outside = null;
        if (held.Other is { } other)
        {
            outside = "is called while holding the lock on '" + other + "' but not on '" + lockObject.Syntax + "': it throws SynchronizationLockException";
        }
        else if (!held.MayHold && !CalledUnderLockInType(invocation, context.SemanticModel, context.CancellationToken) && OutsideCodeCannotHold(invocation, lockObject))
        {
            outside = "is called without holding the lock on '" + lockObject.Syntax + "': it throws SynchronizationLockException";
        }

        if (outside is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR013MonitorWaitPulseMisuse, syntax.GetLocation(), call, outside));
        }
    }

    /// <summary>
    /// True for a Wait with no enclosing loop in its function, when it is a condition wait: untimed, or guarded by an
    /// <c>if</c>. <paramref name="guardedByIf"/> tells which.
    /// </summary>
    private static bool IsConditionWaitOutsideLoop(IInvocationOperation wait, out bool guardedByIf)
    {
        guardedByIf = false;
        if (wait.GetEnclosingLoop() is not null)
        {
            return false;
        }

        for (var current = wait.Parent; current is not null; current = current.Parent)
        {
            if (current is IConditionalOperation conditional && conditional.Condition.Syntax.Span.Contains(wait.Syntax.Span) == false)
            {
                guardedByIf = true;
                break;
            }

            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation or ILockOperation)
            {
                break;
            }
        }

        var timed = wait.Arguments.Length > 1;
        if (timed && wait.Parent is not IExpressionStatementOperation)
        {
            // The caller looks at whether the wait timed out: a deliberate bounded wait, not a condition wait.
            return false;
        }

        return guardedByIf || !timed;
    }

    /// <summary>True when some method of the type calls the method holding <paramref name="invocation"/> from inside a lock statement.</summary>
    private static bool CalledUnderLockInType(IInvocationOperation invocation, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        switch (invocation.GetEnclosingFunction())
        {
            case IAnonymousFunctionOperation lambda:
                // A lambda runs under its caller's locks unless it is handed to another thread.
                return !IsStartedOnAnotherThread(lambda);
            case ILocalFunctionOperation:
                return true;
        }

        if (model.GetEnclosingSymbol(invocation.Syntax.SpanStart, cancellationToken) is not IMethodSymbol method || method.ContainingType is not { } type)
        {
            return true;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                // Part of the type is in another file: its callers are not visible here.
                return true;
            }

            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                var name = node switch
                {
                    InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText,
                    IdentifierNameSyntax { Parent: not InvocationExpressionSyntax and not MemberAccessExpressionSyntax } reference2 => reference2.Identifier.ValueText,
                    _ => null,
                };
                if (name != method.Name)
                {
                    continue;
                }

                // A method group handed elsewhere, or a call under any lock: the method may run with the lock held.
                if (node is IdentifierNameSyntax || node.FirstAncestorOrSelf<LockStatementSyntax>() is not null || MethodTakesLocks(node, model, cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when the lambda is given to <c>Task.Run</c>, <c>StartNew</c>, <c>new Thread</c>, <c>ThreadPool</c> or a timer.</summary>
    private static bool IsStartedOnAnotherThread(IAnonymousFunctionOperation lambda)
    {
        if (lambda.WalkUpConversions() is not IArgumentOperation argument)
        {
            return false;
        }

        var (name, type) = argument.Parent switch
        {
            IInvocationOperation call => (call.TargetMethod.Name, call.TargetMethod.ContainingType),
            IObjectCreationOperation creation => (".ctor", creation.Type as INamedTypeSymbol),
            _ => (null, null),
        };
        return (type?.ToDisplayString(), name) switch
        {
            ("System.Threading.Tasks.Task", "Run") => true,
            ("System.Threading.Tasks.TaskFactory", "StartNew") => true,
            ("System.Threading.ThreadPool", "QueueUserWorkItem" or "UnsafeQueueUserWorkItem") => true,
            ("System.Threading.Thread", ".ctor") => true,
            ("System.Threading.Timer", ".ctor") => true,
            _ => false,
        };
    }

    private static bool MethodTakesLocks(SyntaxNode node, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        var member = node.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (member is null)
        {
            return false;
        }

        foreach (var candidate in member.DescendantNodes())
        {
            if (candidate is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enter" or "TryEnter" } } enter
                && model.GetSymbolInfo(enter, cancellationToken).Symbol is IMethodSymbol { ContainingType.Name: "Monitor" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when no code outside the type can be holding the lock: the object is private (or local), or the method is private.</summary>
    private static bool OutsideCodeCannotHold(IInvocationOperation invocation, IOperation lockObject)
    {
        var value = lockObject.WalkDownConversions();
        if (value is ILocalReferenceOperation or IObjectCreationOperation
            || value is IFieldReferenceOperation { Field.DeclaredAccessibility: Accessibility.Private })
        {
            return true;
        }

        return invocation.SemanticModel?.GetEnclosingSymbol(invocation.Syntax.SpanStart) is IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary };
    }

    /// <summary>
    /// True when <paramref name="call"/> may take a lock for its caller: a method of the compilation that takes one a few
    /// calls deep (<see cref="CallSummaries.FindLocks"/>, e.g. <c>TakeLock(ref taken)</c> → <c>Monitor.TryEnter(this, t, ref taken)</c>),
    /// or a method with no body to look into (abstract, interface, from a reference) that gets a local <c>ref bool</c> "lock taken" flag.
    /// </summary>
    private static bool IsLockWrapperCall(IInvocationOperation call, CallSummaries summaries, System.Threading.CancellationToken cancellationToken)
    {
        if (CallSummaries.Callee(call) is { } callee && summaries.Get(callee, cancellationToken) is not null)
        {
            return summaries.FindLocks(callee, cancellationToken).Count > 0;
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is { RefKind: RefKind.Ref, Type.SpecialType: SpecialType.System_Boolean }
                && argument.Value.WalkDownConversions() is ILocalReferenceOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the function around a Monitor call holds: the lock on the same object, another one, or maybe something not modelled.</summary>
    private readonly struct HeldLocks
    {
        private HeldLocks(bool holdsSame, string? other, bool mayHold)
        {
            HoldsSame = holdsSame;
            Other = other;
            MayHold = mayHold;
        }

        public bool HoldsSame { get; }

        /// <summary>A lock held on another object, as written.</summary>
        public string? Other { get; }

        /// <summary>The function takes a lock on the object in a way this does not model (Monitor.Enter…): stay silent.</summary>
        public bool MayHold { get; }

        public static HeldLocks Find(IInvocationOperation invocation, IOperation lockObject, WellKnownTypes types, CallSummaries summaries, System.Threading.CancellationToken cancellationToken)
        {
            string? other = null;
            var crossedFunction = false;
            IOperation? function = null;
            for (var current = invocation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case ILockOperation lockOperation:
                        if (LockObjects.AreSame(lockOperation.LockedValue, lockObject))
                        {
                            return new HeldLocks(holdsSame: true, null, mayHold: true);
                        }

                        if (!crossedFunction)
                        {
                            other ??= lockOperation.LockedValue.Syntax.ToString();
                        }

                        break;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        // A lambda inside a lock may run synchronously under it: locks outside still count as "same", never as "other".
                        function ??= current;
                        crossedFunction = true;
                        break;
                }
            }

            var sameAcquire = false;
            var otherAcquire = false;
            var scope = function ?? FlowGraphs.GetRoot(invocation);
            foreach (var operation in OperationWalk.InFunction(scope, skipFunctions: null, skipAllNested: true))
            {
                if (operation is not IInvocationOperation candidate || candidate == invocation)
                {
                    continue;
                }

                if (LockFacts.MatchAcquire(candidate, types) is { LockedValue: { } acquired } acquire)
                {
                    if (acquire.IsStaticMonitorCall && LockObjects.AreSame(acquired, lockObject))
                    {
                        sameAcquire = true;
                    }
                    else
                    {
                        otherAcquire = true;
                    }
                }
                else if (IsLockWrapperCall(candidate, summaries, cancellationToken))
                {
                    // A lock wrapper (TakeLock(ref taken)) may hold the object for the rest of the function.
                    otherAcquire = true;
                }
            }

            if (sameAcquire)
            {
                return new HeldLocks(holdsSame: true, null, mayHold: true);
            }

            // An object in a local or parameter may be an alias of a lock taken under another name.
            var aliased = lockObject.WalkDownConversions() is ILocalReferenceOperation or IParameterReferenceOperation;
            var mayHold = otherAcquire || aliased && other is not null;
            return new HeldLocks(holdsSame: false, mayHold ? null : other, mayHold);
        }
    }
}
