using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>How a lock is taken.</summary>
internal enum LockKind
{
    /// <summary>A C# <c>lock (x) { … }</c> statement.</summary>
    LockStatement,

    /// <summary><c>Monitor.Enter</c>/<c>TryEnter</c> … <c>Monitor.Exit</c>.</summary>
    Monitor,

    /// <summary><c>Mutex.WaitOne</c> … <c>ReleaseMutex</c>.</summary>
    Mutex,

    /// <summary><c>SemaphoreSlim.Wait</c>/<c>WaitAsync</c> or <c>Semaphore.WaitOne</c> … <c>Release</c>.</summary>
    Semaphore,

    /// <summary><c>SpinLock.Enter</c>/<c>TryEnter</c> … <c>Exit</c>.</summary>
    SpinLock,

    /// <summary><c>ReaderWriterLockSlim.EnterWriteLock</c>/<c>EnterUpgradeableReadLock</c> … <c>Exit…</c>.</summary>
    ReaderWriterWrite,

    /// <summary><c>ReaderWriterLockSlim.EnterReadLock</c> … <c>ExitReadLock</c>: shared, does not protect writes.</summary>
    ReaderWriterRead,

    /// <summary>A <c>using</c> of a lock scope: <c>using (l.EnterScope())</c>, <c>using (await m.LockAsync())</c>.</summary>
    UsingScope,
}

/// <summary>How an acquire call tells its caller whether it took the lock.</summary>
internal enum AcquireOutcome
{
    /// <summary>It returns when the lock is held (<c>Monitor.Enter(x)</c>, <c>EnterWriteLock()</c>, <c>await WaitAsync()</c>).</summary>
    Always,

    /// <summary>It returns <c>true</c> when it took the lock (<c>Monitor.TryEnter(x, 100)</c>, <c>Wait(100)</c>, <c>await WaitAsync(100)</c>).</summary>
    ReturnsBool,

    /// <summary>It sets a <c>ref bool lockTaken</c> argument (<c>Monitor.Enter(x, ref taken)</c>, <c>SpinLock.Enter(ref taken)</c>).</summary>
    SetsTakenFlag,
}

/// <summary>A lock held at some point of the code.</summary>
internal sealed class HeldLock
{
    public HeldLock(LockKind kind, IOperation acquire, IOperation? lockedValue)
    {
        Kind = kind;
        Acquire = acquire;
        LockedValue = lockedValue;
    }

    public LockKind Kind { get; }

    /// <summary>The operation that takes the lock: the <see cref="ILockOperation"/>, the <c>Enter</c>/<c>Wait</c> call, or the <c>using</c>.</summary>
    public IOperation Acquire { get; }

    /// <summary>The expression naming the lock object (<c>_gate</c> in <c>lock (_gate)</c>); null when unknown.</summary>
    public IOperation? LockedValue { get; }

    /// <summary>The local, parameter or field (of <c>this</c> or static) that holds the lock object; null for anything else.</summary>
    public ISymbol? LockSymbol => LockedValue.GetStorageSymbol();

    /// <summary>False only for a reader lock, which other readers share.</summary>
    public bool IsExclusive => Kind != LockKind.ReaderWriterRead;

    /// <summary>The acquire call, when the lock is taken by a call (not a lock statement or a using scope).</summary>
    public IInvocationOperation? AcquireCall => Acquire as IInvocationOperation;

    /// <summary>The acquire as users write it, e.g. <c>Monitor.Enter</c>, <c>SemaphoreSlim.WaitAsync</c>; null for a lock statement or scope.</summary>
    public string? ApiName => AcquireCall is { } call
        ? (call.TargetMethod.IsStatic ? call.TargetMethod.ContainingType.Name : (call.Instance?.WalkDownConversions().Type ?? call.TargetMethod.ContainingType).Name) + "." + call.TargetMethod.Name
        : null;

    /// <summary>The method that releases this lock (<c>Exit</c>, <c>Release</c>, <c>ReleaseMutex</c>, <c>ExitWriteLock</c>…); null for a lock statement or scope.</summary>
    public string? ReleaseName => AcquireCall is null ? null : Kind switch
    {
        LockKind.Monitor or LockKind.SpinLock => "Exit",
        LockKind.Semaphore => "Release",
        LockKind.Mutex => "ReleaseMutex",
        LockKind.ReaderWriterRead => "ExitReadLock",
        LockKind.ReaderWriterWrite => AcquireCall.TargetMethod.Name.Contains("Upgradeable") ? "ExitUpgradeableReadLock" : "ExitWriteLock",
        _ => null,
    };

    /// <summary>The release call as users write it, e.g. <c>Monitor.Exit</c>, <c>Release</c>.</summary>
    public string? ReleaseApiName => IsStaticMonitorCall ? "Monitor." + ReleaseName : ReleaseName;

    /// <summary>True for <c>Monitor.Enter</c>/<c>TryEnter</c>, whose lock object is an argument.</summary>
    public bool IsStaticMonitorCall => AcquireCall is { TargetMethod.IsStatic: true };

    /// <summary>How the acquire call reports success; <see cref="AcquireOutcome.Always"/> for a lock statement or scope.</summary>
    public AcquireOutcome Outcome
    {
        get
        {
            if (AcquireCall is not { } call)
            {
                return AcquireOutcome.Always;
            }

            foreach (var parameter in call.TargetMethod.Parameters)
            {
                if (parameter.RefKind == RefKind.Ref && parameter.Type.SpecialType == SpecialType.System_Boolean)
                {
                    return AcquireOutcome.SetsTakenFlag;
                }
            }

            var returnType = call.TargetMethod.ReturnType;
            if (returnType.SpecialType == SpecialType.System_Boolean)
            {
                // WaitOne() with no timeout always returns true.
                return call.TargetMethod.Name == "WaitOne" && call.Arguments.Length == 0 ? AcquireOutcome.Always : AcquireOutcome.ReturnsBool;
            }

            // WaitAsync(timeout) returns Task<bool>: awaited, it says whether the semaphore was entered.
            return returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                && generic.TypeArguments[0].SpecialType == SpecialType.System_Boolean
                    ? AcquireOutcome.ReturnsBool
                    : AcquireOutcome.Always;
        }
    }

    /// <summary>Source text of the lock for messages, e.g. <c>lock(_gate)</c> or <c>Monitor.Enter(s_gate)</c>.</summary>
    public string Describe()
    {
        var name = LockedValue?.Syntax.ToString() ?? "?";
        return Kind switch
        {
            LockKind.LockStatement => "lock(" + name + ")",
            LockKind.Monitor => "Monitor.Enter(" + name + ")",
            _ => Acquire.Syntax.ToString(),
        };
    }

    /// <summary>True when both locks name the same storage (same field, local or parameter).</summary>
    public bool SameLockAs(HeldLock other)
    {
        var mine = LockSymbol;
        return mine is not null && SymbolEqualityComparer.Default.Equals(mine, other.LockSymbol);
    }
}

/// <summary>
/// Which locks are held at an operation, and whether an access is protected (a lock, or an Interlocked/Volatile call).
/// </summary>
/// <remarks>
/// Locks are found in the operation's own function (a lock around a lambda does not hold while the lambda runs
/// later on another thread). Shapes understood:
/// <list type="bullet">
/// <item><c>lock (x) { … }</c> and <c>using (x.EnterScope())</c>-style scopes around the operation;</item>
/// <item>an acquire statement (<c>Monitor.Enter(x)</c>, <c>sem.Wait()</c>, <c>await sem.WaitAsync()</c>, <c>m.WaitOne()</c>,
/// <c>rw.EnterWriteLock()</c>, <c>spin.Enter(ref taken)</c>) followed in the same statement list by the operation,
/// with no top-level release statement of the same lock in between (a release nested in a branch that exits does not end it);</item>
/// <item>the same acquire as the first statements of a <c>try</c> whose <c>finally</c> releases, or just before such a <c>try</c>;</item>
/// <item><c>if (Monitor.TryEnter(x)) { … }</c> / <c>if (sem.Wait(t)) { … }</c> and the early-exit form <c>if (!Monitor.TryEnter(x)) return;</c>.</item>
/// </list>
/// These are structural facts computed on demand without a control flow graph; they never claim a lock that a
/// path misses in those shapes, and they may miss a lock taken in an unusual shape (callers that report
/// "not held" should use <see cref="FunctionAcquiresLocks"/> to stay silent when the function takes locks in a way not modelled).
/// </remarks>
internal static class LockFacts
{
    /// <summary>The locks held at <paramref name="operation"/> by its own function, innermost first.</summary>
    public static List<HeldLock> GetHeldLocks(IOperation operation, WellKnownTypes types)
    {
        var held = new List<HeldLock>();
        var child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return held;
                case ILockOperation lockOperation when lockOperation.Body == child:
                    held.Add(new HeldLock(LockKind.LockStatement, lockOperation, lockOperation.LockedValue.WalkDownConversions()));
                    break;
                case IUsingOperation usingOperation when usingOperation.Body == child:
                    AddUsingScope(held, usingOperation, usingOperation.Resources, types);
                    break;
                case IBlockOperation block:
                    AddFromStatementList(held, block.Operations, child, types);
                    break;
                case ISwitchCaseOperation switchCase:
                    AddFromStatementList(held, switchCase.Body, child, types);
                    break;
                case ITryOperation tryOperation when tryOperation.Body == child:
                    // Acquire before the try whose finally releases: handled by the enclosing statement list.
                    break;
                case IConditionalOperation conditional when conditional.WhenTrue == child:
                    if (MatchTryAcquire(conditional.Condition, types, negated: false) is { } taken)
                    {
                        held.Add(taken);
                    }

                    break;
            }
        }

        return held;
    }

    /// <summary>True when an exclusive lock is held at <paramref name="operation"/> by its own function.</summary>
    public static bool IsInsideLock(IOperation operation, WellKnownTypes types)
    {
        foreach (var held in GetHeldLocks(operation, types))
        {
            if (held.IsExclusive)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a lock on <paramref name="lockSymbol"/> is held at <paramref name="operation"/>.</summary>
    public static bool IsHeld(IOperation operation, ISymbol lockSymbol, WellKnownTypes types)
    {
        foreach (var held in GetHeldLocks(operation, types))
        {
            if (SymbolEqualityComparer.Default.Equals(held.LockSymbol, lockSymbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the access <paramref name="reference"/> (a field, local or element reference) is made safe where
    /// it stands: under an exclusive lock, or as the <c>ref</c> argument of an <c>Interlocked</c> or <c>Volatile</c> call.
    /// </summary>
    public static bool IsProtected(IOperation reference, WellKnownTypes types)
        => IsAtomicAccess(reference, types) || IsInsideLock(reference, types);

    /// <summary>True when <paramref name="reference"/> is the argument of an <c>Interlocked.*</c> or <c>Volatile.Read/Write</c> call.</summary>
    public static bool IsAtomicAccess(IOperation reference, WellKnownTypes types)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation invocation }
            && (WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Interlocked)
                || WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Volatile));
    }

    /// <summary>
    /// When <paramref name="invocation"/> takes a lock (Monitor.Enter/TryEnter, Mutex/Semaphore WaitOne, SemaphoreSlim
    /// Wait/WaitAsync, SpinLock Enter/TryEnter, ReaderWriterLockSlim Enter*Lock), the lock it takes; otherwise null.
    /// For <c>TryEnter</c>/timed waits the lock is held only when the call returns true. A semaphore wait is a lock
    /// only when <see cref="SemaphoreRoles.IsLockUse"/> says so (released by the same function, not a signal).
    /// </summary>
    public static HeldLock? MatchAcquire(IInvocationOperation invocation, WellKnownTypes types)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return null;
        }

        if (WellKnownTypes.Is(type, types.Monitor))
        {
            return method.Name is "Enter" or "TryEnter" && invocation.Arguments.Length > 0
                ? new HeldLock(LockKind.Monitor, invocation, ArgumentValue(invocation, 0))
                : null;
        }

        var instance = invocation.Instance?.WalkDownConversions();
        if (instance is null)
        {
            return null;
        }

        if (WellKnownTypes.IsOrDerivesFrom(type, types.SemaphoreSlim) || WellKnownTypes.IsOrDerivesFrom(instance.Type, types.Semaphore))
        {
            // A semaphore waited here and released elsewhere is a signal, not a lock (see SemaphoreRoles).
            return method.Name is "Wait" or "WaitAsync" or "WaitOne" && SemaphoreRoles.IsLockUse(invocation, instance)
                ? new HeldLock(LockKind.Semaphore, invocation, instance)
                : null;
        }

        if (WellKnownTypes.IsOrDerivesFrom(instance.Type, types.Mutex))
        {
            return method.Name == "WaitOne" ? new HeldLock(LockKind.Mutex, invocation, instance) : null;
        }

        if (WellKnownTypes.Is(type, types.SpinLock))
        {
            return method.Name is "Enter" or "TryEnter" ? new HeldLock(LockKind.SpinLock, invocation, instance) : null;
        }

        if (WellKnownTypes.Is(type, types.Lock))
        {
            return method.Name is "Enter" or "TryEnter" ? new HeldLock(LockKind.Monitor, invocation, instance) : null;
        }

        if (WellKnownTypes.Is(type, types.ReaderWriterLockSlim))
        {
            return method.Name switch
            {
                "EnterWriteLock" or "TryEnterWriteLock" or "EnterUpgradeableReadLock" or "TryEnterUpgradeableReadLock" => new HeldLock(LockKind.ReaderWriterWrite, invocation, instance),
                "EnterReadLock" or "TryEnterReadLock" => new HeldLock(LockKind.ReaderWriterRead, invocation, instance),
                _ => null,
            };
        }

        return null;
    }

    /// <summary>True when <paramref name="invocation"/> releases the lock <paramref name="held"/> (same kind, same lock object).</summary>
    public static bool IsRelease(IInvocationOperation invocation, HeldLock held, WellKnownTypes types)
    {
        var method = invocation.TargetMethod;
        IOperation? released;
        switch (held.Kind)
        {
            case LockKind.Monitor when WellKnownTypes.Is(method.ContainingType, types.Monitor):
                if (method.Name != "Exit" || invocation.Arguments.Length == 0)
                {
                    return false;
                }

                released = ArgumentValue(invocation, 0);
                break;
            case LockKind.Monitor:
                released = method.Name == "Exit" && WellKnownTypes.Is(method.ContainingType, types.Lock) ? invocation.Instance : null;
                break;
            case LockKind.Semaphore:
                released = method.Name == "Release" ? invocation.Instance : null;
                break;
            case LockKind.Mutex:
                released = method.Name == "ReleaseMutex" ? invocation.Instance : null;
                break;
            case LockKind.SpinLock:
                released = method.Name == "Exit" && WellKnownTypes.Is(method.ContainingType, types.SpinLock) ? invocation.Instance : null;
                break;
            case LockKind.ReaderWriterWrite:
                released = method.Name is "ExitWriteLock" or "ExitUpgradeableReadLock" ? invocation.Instance : null;
                break;
            case LockKind.ReaderWriterRead:
                released = method.Name == "ExitReadLock" ? invocation.Instance : null;
                break;
            default:
                return false;
        }

        if (released is null)
        {
            return false;
        }

        var releasedSymbol = released.GetStorageSymbol();
        if (releasedSymbol is not null || held.LockSymbol is not null)
        {
            return releasedSymbol is not null && SymbolEqualityComparer.Default.Equals(releasedSymbol, held.LockSymbol);
        }

        // Neither is a plain local or field of this: the same field of the same object, typeof(T), a string constant.
        return held.LockedValue is not null && LockObjects.AreSame(released, held.LockedValue);
    }

    /// <summary>The names of the calls that can acquire a lock (<see cref="MatchAcquire"/>).</summary>
    private static readonly string[] AcquireNames =
    {
        "Enter", "TryEnter", "WaitOne", "Wait", "WaitAsync", "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock",
        "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock",
    };

    /// <summary>
    /// The words a member that may hold a lock names: the <c>lock</c> keyword, an acquire, or a call that opens a lock
    /// scope (<c>EnterScope</c>, and the names lock helpers commonly use).
    /// </summary>
    private static readonly string[] LockWords = new[] { "lock" }
        .Concat(AcquireNames)
        .Concat(new[] { "EnterScope", "Lock", "LockAsync", "WriterLock", "WriterLockAsync", "WriteLock", "WriteLockAsync", "Acquire", "AcquireAsync", "AcquireLock", "AcquireLockAsync" })
        .ToArray();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SyntaxTree, List<int>> LockWordPositions = new();

    /// <summary>
    /// Text prefilter for "can a lock be held here": false when the text of the member (method, accessor, constructor…)
    /// around <paramref name="node"/> names none of <see cref="LockWords"/>. One scan of each tree's text, so rules can
    /// ask it before binding anything.
    /// </summary>
    public static bool MemberMayHoldLocks(SyntaxNode node)
    {
        SyntaxNode? member = null;
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax)
            {
                member = current;
                break;
            }
        }

        if (member is null)
        {
            return true;
        }

        return TextMentions.AnyWithin(LockWordPositionsOf(member.SyntaxTree), member.Span);
    }

    /// <summary>
    /// The same text prefilter for a whole type (every declaration of it, nested types included): false when none of
    /// its text names a lock word, so a rule can skip the type's operations altogether.
    /// </summary>
    public static bool TypeMayHoldLocks(INamedTypeSymbol type)
    {
        var references = type.DeclaringSyntaxReferences;
        if (references.IsEmpty)
        {
            return true;
        }

        foreach (var reference in references)
        {
            if (TextMentions.AnyWithin(LockWordPositionsOf(reference.SyntaxTree), reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static List<int> LockWordPositionsOf(SyntaxTree tree)
        => LockWordPositions.GetValue(tree, static tree => TextMentions.WordPositions(tree, LockWords, implicitNew: false, System.Threading.CancellationToken.None));

    /// <summary>True when <paramref name="name"/> can be the name of an acquire call (a cheap syntax prefilter for triggers).</summary>
    public static bool IsAcquireName(string name) => System.Array.IndexOf(AcquireNames, name) >= 0;

    /// <summary>True when <paramref name="name"/> can be the name of a release call.</summary>
    public static bool IsReleaseName(string name) => name is "Exit" or "Release" or "ReleaseMutex"
        or "ExitReadLock" or "ExitWriteLock" or "ExitUpgradeableReadLock";

    /// <summary>True when <paramref name="invocation"/> releases exactly what <paramref name="held"/> took: same object, and the matching method (<c>ExitWriteLock</c> for <c>EnterWriteLock</c>).</summary>
    public static bool IsMatchingRelease(IInvocationOperation invocation, HeldLock held, WellKnownTypes types)
        => !invocation.IsImplicit && invocation.TargetMethod.Name == held.ReleaseName && IsRelease(invocation, held, types);

    /// <summary>The value passed for the parameter at <paramref name="ordinal"/> as written (conversions kept), whatever the argument order.</summary>
    public static IOperation? ArgumentFor(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// True when the function around <paramref name="operation"/> takes any lock at all (lock statement or acquire call).
    /// Rules that would report "no lock held" can stay silent in such functions when the shape is not modelled.
    /// </summary>
    public static bool FunctionAcquiresLocks(IOperation operation, WellKnownTypes types)
    {
        var function = operation.GetEnclosingFunction() ?? FlowGraphs.GetRoot(operation);
        foreach (var descendant in function.Descendants())
        {
            if (descendant is ILockOperation
                || descendant is IInvocationOperation invocation && MatchAcquire(invocation, types) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lock a <c>using</c> resource stands for: <c>l.EnterScope()</c>, <c>await m.LockAsync()</c>, <c>rw.WriteLock()</c>…</summary>
    public static IOperation? MatchScopeResource(IOperation? resource, WellKnownTypes types)
    {
        var value = resource?.WalkDownConversions();
        if (value is IVariableDeclarationGroupOperation group && group.Declarations.Length == 1 && group.Declarations[0].Declarators.Length == 1)
        {
            value = group.Declarations[0].Declarators[0].Initializer?.Value.WalkDownConversions();
        }

        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation.WalkDownConversions();
        }

        if (value is not IInvocationOperation { Instance: { } instance } invocation)
        {
            return null;
        }

        var name = invocation.TargetMethod.Name;
        if (name == "EnterScope" && WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Lock))
        {
            return instance.WalkDownConversions();
        }

        return name is "Lock" or "LockAsync" or "WriterLock" or "WriterLockAsync" or "WriteLock" or "WriteLockAsync"
            or "Acquire" or "AcquireAsync" or "AcquireLock" or "AcquireLockAsync"
            ? instance.WalkDownConversions()
            : null;
    }

    private static void AddUsingScope(List<HeldLock> held, IOperation usingOperation, IOperation resources, WellKnownTypes types)
    {
        if (MatchScopeResource(resources, types) is { } lockObject)
        {
            held.Add(new HeldLock(LockKind.UsingScope, usingOperation, lockObject));
        }
    }

    /// <summary>Locks taken by statements before <paramref name="child"/> in a statement list and not released before it.</summary>
    private static void AddFromStatementList(List<HeldLock> held, System.Collections.Immutable.ImmutableArray<IOperation> statements, IOperation child, WellKnownTypes types)
    {
        var index = statements.IndexOf(child);
        if (index <= 0)
        {
            return;
        }

        var open = new List<HeldLock>();
        for (var i = 0; i < index; i++)
        {
            var statement = statements[i];
            if (statement is IUsingDeclarationOperation usingDeclaration)
            {
                AddUsingScope(open, usingDeclaration, usingDeclaration.DeclarationGroup, types);
                continue;
            }

            if (AsAcquire(statement, types) is { } acquired)
            {
                open.Add(acquired);
                continue;
            }

            if (statement is IConditionalOperation { WhenFalse: null, WhenTrue: { } exit } guard && Exits(exit)
                && MatchTryAcquire(guard.Condition, types, negated: true) is { } guarded)
            {
                open.Add(guarded);
                continue;
            }

            if (AsInvocation(statement) is { } invocation)
            {
                open.RemoveAll(h => IsRelease(invocation, h, types));
            }
        }

        held.AddRange(open);
    }

    /// <summary>An expression statement (possibly awaited) that acquires a lock unconditionally.</summary>
    private static HeldLock? AsAcquire(IOperation statement, WellKnownTypes types)
    {
        if (AsInvocation(statement) is not { } invocation || MatchAcquire(invocation, types) is not { } acquired)
        {
            return null;
        }

        // TryEnter / timed waits hold only when they return true; as a bare statement only the ref-bool form counts.
        var name = invocation.TargetMethod.Name;
        if (name.StartsWith("Try", System.StringComparison.Ordinal))
        {
            return HasRefBoolArgument(invocation) ? acquired : null;
        }

        if (name is "Wait" or "WaitAsync" or "WaitOne" && !invocation.TargetMethod.ReturnsVoid && invocation.Arguments.Length > 0
            && invocation.TargetMethod.ReturnType.SpecialType == SpecialType.System_Boolean)
        {
            return null;
        }

        if (name == "WaitAsync" && invocation.Arguments.Length > 0 && HasTimeoutArgument(invocation))
        {
            return null;
        }

        return acquired;
    }

    private static bool HasTimeoutArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout")
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasRefBoolArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Ref && argument.Parameter.Type.SpecialType == SpecialType.System_Boolean)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>Monitor.TryEnter(x)</c>, <c>sem.Wait(t)</c>, <c>await sem.WaitAsync(t)</c> as a condition (or its negation).</summary>
    private static HeldLock? MatchTryAcquire(IOperation condition, WellKnownTypes types, bool negated)
    {
        var value = condition.WalkDownConversions();
        if (negated)
        {
            if (value is not IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                return null;
            }

            value = not.Operand.WalkDownConversions();
        }

        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation.WalkDownConversions();
        }

        return value is IInvocationOperation invocation ? MatchAcquire(invocation, types) : null;
    }

    private static IInvocationOperation? AsInvocation(IOperation statement)
    {
        var value = statement is IExpressionStatementOperation expression ? expression.Operation.WalkDownConversions() : null;
        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation.WalkDownConversions();
        }

        // sem.WaitAsync().ConfigureAwait(false)
        if (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
        {
            value = configured.WalkDownConversions();
        }

        return value as IInvocationOperation;
    }

    private static bool Exits(IOperation statement) => statement switch
    {
        IReturnOperation or IThrowOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => Exits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    private static IOperation? ArgumentValue(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value.WalkDownConversions();
            }
        }

        return null;
    }
}
