using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>One <see cref="RegionOrdering"/> per function that starts regions, created on first question.</summary>
internal sealed class RegionOrderingCache
{
    private readonly List<ConcurrentRegion> _regions;
    private readonly WellKnownTypes _types;
    private readonly Dictionary<SyntaxNode, RegionOrdering> _byRoot = new();
    private Dictionary<SyntaxNode, List<ConcurrentRegion>>? _byCreator;

    public RegionOrderingCache(List<ConcurrentRegion> regions, WellKnownTypes types)
    {
        _regions = regions;
        _types = types;
    }

    public RegionOrdering Get(IOperation creatorRoot, CancellationToken cancellationToken)
    {
        List<ConcurrentRegion>? mine;
        lock (_byRoot)
        {
            if (_byRoot.TryGetValue(creatorRoot.Syntax, out var cached))
            {
                return cached;
            }

            _byCreator ??= IndexByCreator(_regions);
            _byCreator.TryGetValue(creatorRoot.Syntax, out mine);
        }

        mine ??= new List<ConcurrentRegion>();
        var ordering = new RegionOrdering(mine.Count > 0 ? mine[0].CreatorRoot : creatorRoot, mine, _types, cancellationToken);
        lock (_byRoot)
        {
            if (_byRoot.TryGetValue(creatorRoot.Syntax, out var raced))
            {
                return raced;
            }

            _byRoot[creatorRoot.Syntax] = ordering;
            return ordering;
        }
    }

    /// <summary>The regions by the syntax of the root that starts them, in discovery order (one pass; asking every region per root was quadratic).</summary>
    private static Dictionary<SyntaxNode, List<ConcurrentRegion>> IndexByCreator(List<ConcurrentRegion> regions)
    {
        var index = new Dictionary<SyntaxNode, List<ConcurrentRegion>>();
        foreach (var region in regions)
        {
            var root = region.CreatorRoot.Syntax;
            if (!index.TryGetValue(root, out var list))
            {
                index[root] = list = new List<ConcurrentRegion>();
            }

            list.Add(region);
        }

        return index;
    }
}

/// <summary>
/// Which regions started by one executable root may be running at each point of it: a forward "may be running"
/// analysis over its control flow graphs. A region starts at its start call (for <c>new Thread</c>/<c>new Task</c>,
/// at <c>Start()</c> on the variable that holds it) and stops at a <c>Join()</c>, <c>Wait()</c>, <c>.Result</c>,
/// <c>await</c>, <c>Task.WaitAll(…)</c> or awaited/waited <c>Task.WhenAll(…)</c> that names it, the collection it was
/// added to, or (in a <c>foreach</c>/<c>for</c> over that collection) one of its elements.
/// </summary>
internal sealed class RegionOrdering
{
    private const int MaxKeys = 63;

    private readonly List<ConcurrentRegion> _keys = new();
    private readonly Dictionary<SyntaxNode, ulong> _gens = new();
    private readonly Dictionary<int, List<SyntaxNode>> _genNodes = new();
    private readonly Dictionary<SyntaxNode, ulong> _kills = new();
    private readonly Dictionary<SyntaxNode, FunctionFlow> _functions = new();

    public RegionOrdering(IOperation root, List<ConcurrentRegion> regions, WellKnownTypes types, CancellationToken cancellationToken)
    {
        foreach (var region in regions)
        {
            if (!region.JoinedAtStart && _keys.Count < MaxKeys)
            {
                _keys.Add(region);
            }
        }

        if (_keys.Count == 0)
        {
            return;
        }

        var handles = CollectHandles(root);
        CollectGens(root, handles);
        CollectKills(root, handles, types);
        if (FlowGraphs.Get(root, cancellationToken) is { } graph)
        {
            Analyze(graph, root.Syntax, cancellationToken);
        }
    }

    /// <summary>
    /// True when <paramref name="region"/> may be running at <paramref name="operation"/>. For code outside the
    /// functions of this root, or a region this analysis does not track, the answer is "may" (true).
    /// </summary>
    public bool MayRunDuring(ConcurrentRegion region, IOperation operation) => MayRunAt(region, operation.Syntax);

    /// <summary>True when one of the two regions (both started by this root) may be running where the other starts.</summary>
    public bool MayOverlap(ConcurrentRegion first, ConcurrentRegion second)
        => RunsWhereStarted(first, second) || RunsWhereStarted(second, first);

    private bool RunsWhereStarted(ConcurrentRegion running, ConcurrentRegion started)
    {
        if (running.JoinedAtStart)
        {
            return false;
        }

        var key = _keys.IndexOf(started);
        if (key >= 0 && _genNodes.TryGetValue(key, out var nodes))
        {
            foreach (var node in nodes)
            {
                if (MayRunAt(running, node))
                {
                    return true;
                }
            }

            return false;
        }

        return MayRunAt(running, started.StartSyntax);
    }

    private bool MayRunAt(ConcurrentRegion region, SyntaxNode node)
    {
        if (region.JoinedAtStart)
        {
            return false;
        }

        var key = _keys.IndexOf(region);
        if (key < 0)
        {
            return true;
        }

        FunctionFlow? flow = null;
        for (var current = node.Parent; current is not null && flow is null; current = current.Parent)
        {
            _functions.TryGetValue(current, out flow);
        }

        if (flow is null)
        {
            return true;
        }

        var mask = 1UL << key;
        if ((flow.EverGenerated & mask) == 0)
        {
            // Started in another function of this root: the order of the two is unknown.
            return true;
        }

        var span = node.Span;
        Statement? best = null;
        foreach (var statement in flow.Statements)
        {
            if (statement.Span.Contains(span) && (best is null || best.Span.Length > statement.Span.Length))
            {
                best = statement;
            }
        }

        if (best is null || !best.Visited)
        {
            return true;
        }

        var bits = best.Before;
        foreach (var (position, gen, kill) in best.Events)
        {
            if (position >= span.Start)
            {
                break;
            }

            bits = (bits & ~kill) | gen;
        }

        return (bits & mask) != 0;
    }

    /// <summary>Every symbol a region's thread or task is kept in: its variable and the collections that variable is added to.</summary>
    private Dictionary<ConcurrentRegion, List<ISymbol>> CollectHandles(IOperation root)
    {
        var handles = new Dictionary<ConcurrentRegion, List<ISymbol>>();
        foreach (var region in _keys)
        {
            var list = new List<ISymbol>();
            if (region.Handle is { } handle)
            {
                list.Add(handle);
            }

            handles[region] = list;
        }

        foreach (var operation in root.Descendants())
        {
            ISymbol? from = null;
            ISymbol? into = null;
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push" or "Insert" or "TryAdd", Instance: { } instance } invocation:
                    foreach (var argument in invocation.Arguments)
                    {
                        from ??= argument.Value.GetStorageSymbol();
                    }

                    into = instance.GetStorageSymbol();
                    break;
                case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } assignment:
                    from = assignment.Value.GetStorageSymbol();
                    into = element.ArrayReference.GetStorageSymbol();
                    break;
            }

            if (from is null || into is null)
            {
                continue;
            }

            foreach (var list in handles.Values)
            {
                if (list.ContainsSymbolOf(from) && !list.ContainsSymbolOf(into))
                {
                    list.Add(into);
                }
            }
        }

        return handles;
    }

    private void CollectGens(IOperation root, Dictionary<ConcurrentRegion, List<ISymbol>> handles)
    {
        var startedLater = new HashSet<ConcurrentRegion>();
        foreach (var operation in root.Descendants())
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "Start" or "UnsafeStart", Instance: { } instance } start
                || instance.GetStorageSymbol() is not { } symbol)
            {
                continue;
            }

            for (var key = 0; key < _keys.Count; key++)
            {
                var region = _keys[key];
                if (region.Kind is RegionKind.Thread || region.Kind is RegionKind.Task && region.Starter == "new Task")
                {
                    if (region.Handle is not null && SymbolEqualityComparer.Default.Equals(region.Handle, symbol))
                    {
                        Add(_gens, start.Syntax, key);
                        AddGenNode(key, start.Syntax);
                        startedLater.Add(region);
                    }
                }
            }
        }

        for (var key = 0; key < _keys.Count; key++)
        {
            if (!startedLater.Contains(_keys[key]))
            {
                Add(_gens, _keys[key].StartSyntax, key);
                AddGenNode(key, _keys[key].StartSyntax);
            }
        }
    }

    private void AddGenNode(int key, SyntaxNode node)
    {
        if (!_genNodes.TryGetValue(key, out var list))
        {
            _genNodes[key] = list = new List<SyntaxNode>();
        }

        list.Add(node);
    }

    private void CollectKills(IOperation root, Dictionary<ConcurrentRegion, List<ISymbol>> handles, WellKnownTypes types)
    {
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    var name = invocation.TargetMethod.Name;
                    if (name is "Join" or "Wait" or "RunSynchronously")
                    {
                        if (invocation.Instance is { } receiver)
                        {
                            KillReceiver(invocation.Syntax, receiver, handles);
                        }
                        else if (name == "Wait" && invocation.Arguments.Length == 0)
                        {
                            // nothing to name
                        }
                    }
                    else if (name == "GetResult" && invocation.Instance?.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited })
                    {
                        KillReceiver(invocation.Syntax, awaited, handles);
                    }
                    else if ((name == "WaitAll" || name == "WhenAll" && IsWaited(invocation)) && WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task))
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            foreach (var named in argument.Value.DescendantsAndSelf())
                            {
                                KillSymbol(invocation.Syntax, named.GetStorageSymbol(), handles);
                            }
                        }
                    }
                    else if (name == "ForEach" && invocation.Instance is { } list && JoinsItsParameter(invocation))
                    {
                        KillSymbol(invocation.Syntax, list.GetStorageSymbol(), handles);
                    }

                    break;
                case IAwaitOperation awaitOperation:
                    KillReceiver(awaitOperation.Syntax, awaitOperation.Operation, handles);
                    break;
                case IPropertyReferenceOperation { Property.Name: "Result", Instance: { } instance } result:
                    KillReceiver(result.Syntax, instance, handles);
                    break;
            }
        }
    }

    private static bool IsWaited(IInvocationOperation whenAll)
    {
        var parent = whenAll.WalkUpConversions();
        return parent is IAwaitOperation
            || parent is IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" } call && call.Instance?.WalkDownConversions() == whenAll
            || parent is IPropertyReferenceOperation { Property.Name: "Result" };
    }

    private static bool JoinsItsParameter(IInvocationOperation forEach)
    {
        foreach (var argument in forEach.Arguments)
        {
            if (argument.Value.WalkDownConversions() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
            {
                foreach (var operation in lambda.Body.Descendants())
                {
                    if (operation is IInvocationOperation { TargetMethod.Name: "Join" or "Wait", Instance: IParameterReferenceOperation })
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private void KillReceiver(SyntaxNode at, IOperation receiver, Dictionary<ConcurrentRegion, List<ISymbol>> handles)
    {
        var value = receiver.WalkDownConversions();
        if (value.GetStorageSymbol() is ILocalSymbol local)
        {
            // foreach (var t in threads) t.Join(); — stops every region kept in 'threads', also on the zero-pass path.
            for (var loop = value.GetEnclosingLoop(); loop is not null; loop = loop.GetEnclosingLoop())
            {
                if (loop is IForEachLoopOperation forEach && forEach.Locals.ContainsSymbol(local))
                {
                    var collection = FirstStorage(forEach.Collection);
                    KillSymbol(at, collection, handles);
                    KillSymbol(forEach.Collection.WalkDownConversions().Syntax, collection, handles);
                    return;
                }
            }
        }

        if (value is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true })
        {
            var owner = value is IArrayElementReferenceOperation element ? element.ArrayReference.GetStorageSymbol() : ((IPropertyReferenceOperation)value).Instance.GetStorageSymbol();
            KillSymbol(at, owner, handles);
            if (value.GetEnclosingLoop() is IForLoopOperation { Condition: { } condition })
            {
                KillSymbol(condition.Syntax, owner, handles);
            }

            return;
        }

        KillSymbol(at, value.GetStorageSymbol(), handles);
    }

    private static ISymbol? FirstStorage(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant.GetStorageSymbol() is { } symbol)
            {
                return symbol;
            }
        }

        return null;
    }

    private void KillSymbol(SyntaxNode at, ISymbol? symbol, Dictionary<ConcurrentRegion, List<ISymbol>> handles)
    {
        if (symbol is null)
        {
            return;
        }

        for (var key = 0; key < _keys.Count; key++)
        {
            if (handles[_keys[key]].ContainsSymbolOf(symbol))
            {
                Add(_kills, at, key);
            }
        }
    }

    private static void Add(Dictionary<SyntaxNode, ulong> map, SyntaxNode syntax, int key)
    {
        map.TryGetValue(syntax, out var bits);
        map[syntax] = bits | (1UL << key);
    }

    private void Analyze(ControlFlowGraph graph, SyntaxNode function, CancellationToken cancellationToken)
    {
        var flow = new FunctionFlow();
        _functions[function] = flow;
        var blocks = graph.Blocks;
        var perBlock = new List<Statement>[blocks.Length];
        var nested = new List<IFlowAnonymousFunctionOperation>();
        foreach (var block in blocks)
        {
            var statements = perBlock[block.Ordinal] = new List<Statement>();
            foreach (var operation in block.Operations)
            {
                statements.Add(CreateStatement(operation, flow, nested));
            }

            if (block.BranchValue is { } branch)
            {
                statements.Add(CreateStatement(branch, flow, nested));
            }

            flow.Statements.AddRange(statements);
        }

        var input = new ulong[blocks.Length];
        var reached = new bool[blocks.Length];
        var queued = new bool[blocks.Length];
        var worklist = new Queue<int>();
        reached[0] = true;
        worklist.Enqueue(0);
        queued[0] = true;
        while (worklist.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = worklist.Dequeue();
            queued[ordinal] = false;
            var state = input[ordinal];
            foreach (var statement in perBlock[ordinal])
            {
                statement.Visited = true;
                statement.Before = state;
                foreach (var (_, gen, kill) in statement.Events)
                {
                    state = (state & ~kill) | gen;
                }
            }

            var block = blocks[ordinal];
            Flow(block.ConditionalSuccessor, state);
            Flow(block.FallThroughSuccessor, state);
        }

        foreach (var anonymous in nested)
        {
            Analyze(graph.GetAnonymousFunctionControlFlowGraph(anonymous, cancellationToken), anonymous.Symbol.DeclaringSyntaxReferences.Length == 1
                ? anonymous.Symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken)
                : anonymous.Syntax, cancellationToken);
        }

        foreach (var localFunction in graph.LocalFunctions)
        {
            if (localFunction.DeclaringSyntaxReferences.Length == 1)
            {
                Analyze(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken), localFunction.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken), cancellationToken);
            }
        }

        void Flow(ControlFlowBranch? branch, ulong state)
        {
            if (branch is null)
            {
                return;
            }

            if (branch.Destination is { } destination)
            {
                Merge(destination.Ordinal, state);
            }

            foreach (var finallyRegion in branch.FinallyRegions)
            {
                Merge(finallyRegion.FirstBlockOrdinal, state);
            }
        }

        void Merge(int target, ulong state)
        {
            var merged = input[target] | state;
            if (reached[target] && merged == input[target])
            {
                return;
            }

            reached[target] = true;
            input[target] = merged;
            if (!queued[target])
            {
                queued[target] = true;
                worklist.Enqueue(target);
            }
        }
    }

    private Statement CreateStatement(IOperation operation, FunctionFlow flow, List<IFlowAnonymousFunctionOperation> nested)
    {
        var statement = new Statement(operation.Syntax.Span);
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IFlowAnonymousFunctionOperation anonymous)
            {
                nested.Add(anonymous);
                continue;
            }

            var syntax = descendant.Syntax;
            var gen = 0UL;
            var kill = 0UL;
            if (descendant is IInvocationOperation or IObjectCreationOperation or IEventAssignmentOperation && _gens.TryGetValue(syntax, out var g))
            {
                gen = g;
            }

            if (_kills.TryGetValue(syntax, out var k) && descendant is not IConversionOperation)
            {
                kill = k;
            }

            if ((gen | kill) != 0)
            {
                statement.Events.Add((syntax.SpanStart, gen, kill));
                flow.EverGenerated |= gen;
            }
        }

        statement.Events.Sort(static (a, b) => a.Position.CompareTo(b.Position));
        return statement;
    }

    private sealed class FunctionFlow
    {
        public List<Statement> Statements { get; } = new();

        public ulong EverGenerated { get; set; }
    }

    private sealed class Statement
    {
        public Statement(TextSpan span) => Span = span;

        public TextSpan Span { get; }

        public bool Visited { get; set; }

        public ulong Before { get; set; }

        public List<(int Position, ulong Gen, ulong Kill)> Events { get; } = new();
    }
}

internal static class SymbolListExtensions
{
    public static bool ContainsSymbolOf(this List<ISymbol> symbols, ISymbol symbol)
    {
        foreach (var candidate in symbols)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, symbol))
            {
                return true;
            }
        }

        return false;
    }
}
