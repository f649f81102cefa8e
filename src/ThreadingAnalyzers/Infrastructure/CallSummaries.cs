using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>A lock a method takes itself: its cross-method key, how it reads, and where.</summary>
internal readonly struct TakenLock
{
    public TakenLock(object key, string name, SyntaxNode syntax)
    {
        Key = key;
        Name = name;
        Syntax = syntax;
    }

    /// <summary>See <see cref="LockObjects.GetKey"/>.</summary>
    public object Key { get; }

    public string Name { get; }

    public SyntaxNode Syntax { get; }
}

/// <summary>What one source method does itself (nested lambdas excluded): the locks it takes, its blocking calls, the source methods it calls.</summary>
internal sealed class MethodSummary
{
    public List<TakenLock> Locks { get; } = new();

    public List<(string Description, SyntaxNode Syntax)> BlockingCalls { get; } = new();

    public List<(IMethodSymbol Callee, SyntaxNode Call)> Calls { get; } = new();
}

/// <summary>
/// Per-method summaries of the compilation's source methods, computed once on demand, and the questions that
/// follow calls a few levels deep (<see cref="MaxDepth"/>): which locks a call may take, whether it may block.
/// Abstract, interface and extern methods have no summary: unknown callees do nothing.
/// </summary>
internal sealed class CallSummaries
{
    /// <summary>How many calls deep the questions follow (the called method itself is depth 1).</summary>
    public const int MaxDepth = ConcurrencyModel.MaxReachDepth;

    private static readonly ConditionalWeakTable<Compilation, CallSummaries> Cache = new();

    private readonly ConcurrencyModel _model;
    private readonly WellKnownTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary?> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, (string Description, string Chain)?> _blocking = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, List<(TakenLock Lock, string Chain)>> _locks = new(SymbolEqualityComparer.Default);

    private CallSummaries(Compilation compilation, WellKnownTypes types)
    {
        _types = types;
        _model = ConcurrencyModel.Get(compilation, types);
    }

    public static CallSummaries Get(Compilation compilation, WellKnownTypes types)
        => Cache.GetValue(compilation, c => new CallSummaries(c, types));

    /// <summary>The summary of a source method, or null when it has no body in this compilation.</summary>
    public MethodSummary? Get(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var key = method.OriginalDefinition;
        if (_summaries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var summary = Compute(key, cancellationToken);
        return _summaries.GetOrAdd(key, summary);
    }

    /// <summary>The source method a call runs, when it is known: not abstract, not an interface member.</summary>
    public static IMethodSymbol? Callee(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
        {
            return null;
        }

        return method.OriginalDefinition;
    }

    /// <summary>
    /// The first blocking call that calling <paramref name="method"/> may make, up to <see cref="MaxDepth"/> calls deep,
    /// with the chain of calls that leads to it (<c>Flush → Write</c>); null when none is found.
    /// </summary>
    public (string Description, string Chain)? FindBlocking(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (_blocking.TryGetValue(method, out var known))
        {
            return known;
        }

        var found = SearchBlocking(method, cancellationToken);
        _blocking.TryAdd(method, found);
        return found;
    }

    /// <summary>Every lock that calling <paramref name="method"/> may take, up to <see cref="MaxDepth"/> calls deep, each once, with its call chain.</summary>
    public List<(TakenLock Lock, string Chain)> FindLocks(IMethodSymbol method, CancellationToken cancellationToken)
        => _locks.TryGetValue(method, out var known) ? known : _locks.GetOrAdd(method, SearchLocks(method, cancellationToken));

    private (string Description, string Chain)? SearchBlocking(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var reached = new List<Reached>();
        var found = Reach(method, reached, static (summary, _) => summary.BlockingCalls.Count > 0, cancellationToken);
        return found < 0 ? null : (Get(reached[found].Method, cancellationToken)!.BlockingCalls[0].Description, Chain(reached, found));
    }

    private List<(TakenLock Lock, string Chain)> SearchLocks(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var result = new List<(TakenLock, string)>();
        var seenKeys = new HashSet<object>();
        var reached = new List<Reached>();
        Reach(
            method,
            reached,
            (summary, index) =>
            {
                foreach (var taken in summary.Locks)
                {
                    if (seenKeys.Add(taken.Key))
                    {
                        result.Add((taken, Chain(reached, index)));
                    }
                }

                return false;
            },
            cancellationToken);
        return result;
    }

    /// <summary>
    /// Visits <paramref name="method"/> and the source methods it may call, breadth first, each once, up to
    /// <see cref="MaxDepth"/> calls deep, adding each to <paramref name="reached"/> (the list is the queue); returns the
    /// index of the first method <paramref name="visit"/> stops at, or -1.
    /// </summary>
    private int Reach(IMethodSymbol method, List<Reached> reached, Func<MethodSummary, int, bool> visit, CancellationToken cancellationToken)
    {
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        reached.Add(new Reached(method, parent: -1, depth: 1));
        for (var next = 0; next < reached.Count; next++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = reached[next];
            if (Get(current.Method, cancellationToken) is not { } summary)
            {
                continue;
            }

            if (visit(summary, next))
            {
                return next;
            }

            if (current.Depth >= MaxDepth)
            {
                continue;
            }

            foreach (var (callee, _) in summary.Calls)
            {
                if (visited.Add(callee))
                {
                    reached.Add(new Reached(callee, next, current.Depth + 1));
                }
            }
        }

        return -1;
    }

    /// <summary>The calls that lead to <c>reached[index]</c>, as users read them: <c>Flush → Write</c>.</summary>
    private static string Chain(List<Reached> reached, int index)
    {
        var chain = reached[index].Method.Name;
        for (var parent = reached[index].Parent; parent >= 0; parent = reached[parent].Parent)
        {
            chain = reached[parent].Method.Name + " → " + chain;
        }

        return chain;
    }

    private MethodSummary? Compute(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var body = _model.GetMethodBody(method, out _, cancellationToken);
        if (body is null)
        {
            return null;
        }

        var summary = new MethodSummary();
        foreach (var operation in OperationWalk.InFunction(body, skipFunctions: null, skipAllNested: true))
        {
            switch (operation)
            {
                case ILockOperation lockOperation:
                    if (LockObjects.GetKey(lockOperation.LockedValue) is { } key)
                    {
                        summary.Locks.Add(new TakenLock(key, LockObjects.Describe(lockOperation.LockedValue), lockOperation.LockedValue.Syntax));
                    }

                    break;
                case IInvocationOperation invocation:
                    if (LockFacts.MatchAcquire(invocation, _types) is { LockedValue: { } locked, IsExclusive: true } && LockObjects.GetKey(locked) is { } acquiredKey)
                    {
                        summary.Locks.Add(new TakenLock(acquiredKey, LockObjects.Describe(locked), invocation.Syntax));
                    }
                    else if (BlockingCalls.Describe(invocation, _types) is { } blocking)
                    {
                        summary.BlockingCalls.Add((blocking, invocation.Syntax));
                    }
                    else if (Callee(invocation) is { } callee)
                    {
                        summary.Calls.Add((callee, invocation.Syntax));
                    }

                    break;
                case IPropertyReferenceOperation property when BlockingCalls.Describe(property, _types) is { } blockingProperty:
                    summary.BlockingCalls.Add((blockingProperty, property.Syntax));
                    break;
            }
        }

        return summary;
    }

    /// <summary>A method reached while following calls: the method, the index of the method that called it (-1 for the first), how deep.</summary>
    private readonly struct Reached
    {
        public Reached(IMethodSymbol method, int parent, int depth)
        {
            Method = method;
            Parent = parent;
            Depth = depth;
        }

        public IMethodSymbol Method { get; }

        public int Parent { get; }

        public int Depth { get; }
    }
}
