using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// The executable root of an operation (a method body, an initializer, top-level statements) and its
/// control flow graph, built once per root and shared by every rule that asks for it.
/// </summary>
internal static class FlowGraphs
{
    private static readonly ConditionalWeakTable<IOperation, ControlFlowGraph> Cache = new();

    /// <summary>The outermost operation that contains <paramref name="operation"/>.</summary>
    public static IOperation GetRoot(IOperation operation)
    {
        var current = operation;
        while (current.Parent is not null)
        {
            current = current.Parent;
        }

        return current;
    }

    /// <summary>The control flow graph of <paramref name="root"/>, or null when the root has no graph (e.g. an attribute).</summary>
    public static ControlFlowGraph? Get(IOperation root, CancellationToken cancellationToken)
    {
        if (root.Parent is not null)
        {
            return null;
        }

        if (Cache.TryGetValue(root, out var cached))
        {
            return cached;
        }

        var graph = Create(root, cancellationToken);
        if (graph is null)
        {
            return null;
        }

        return Cache.GetValue(root, _ => graph);
    }

    /// <summary>
    /// The graph of the innermost function that contains <paramref name="operation"/>: the member body's graph, or
    /// the graph of the lambda or local function it sits in (nested graphs are cached by their parent graph).
    /// </summary>
    public static ControlFlowGraph? GetEnclosingGraph(IOperation operation, CancellationToken cancellationToken)
    {
        var graph = Get(GetRoot(operation), cancellationToken);
        if (graph is null)
        {
            return null;
        }

        var chain = new System.Collections.Generic.List<IOperation>();
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                chain.Add(current);
            }
        }

        for (var i = chain.Count - 1; i >= 0 && graph is not null; i--)
        {
            graph = chain[i] switch
            {
                ILocalFunctionOperation local => FindLocalFunctionGraph(graph, local.Symbol, cancellationToken),
                IAnonymousFunctionOperation anonymous => FindAnonymousFunctionGraph(graph, anonymous.Symbol, cancellationToken),
                _ => null,
            };
        }

        return graph;
    }

    private static ControlFlowGraph? FindLocalFunctionGraph(ControlFlowGraph graph, IMethodSymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var local in graph.LocalFunctions)
        {
            if (SymbolEqualityComparer.Default.Equals(local, symbol))
            {
                return graph.GetLocalFunctionControlFlowGraph(local, cancellationToken);
            }
        }

        return null;
    }

    private static ControlFlowGraph? FindAnonymousFunctionGraph(ControlFlowGraph graph, IMethodSymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var block in graph.Blocks)
        {
            foreach (var statement in block.Operations)
            {
                if (Find(statement) is { } found)
                {
                    return graph.GetAnonymousFunctionControlFlowGraph(found, cancellationToken);
                }
            }

            if (block.BranchValue is { } branch && Find(branch) is { } inBranch)
            {
                return graph.GetAnonymousFunctionControlFlowGraph(inBranch, cancellationToken);
            }
        }

        return null;

        IFlowAnonymousFunctionOperation? Find(IOperation statement)
        {
            foreach (var candidate in statement.DescendantsAndSelf())
            {
                if (candidate is IFlowAnonymousFunctionOperation anonymous && SymbolEqualityComparer.Default.Equals(anonymous.Symbol, symbol))
                {
                    return anonymous;
                }
            }

            return null;
        }
    }

    private static ControlFlowGraph? Create(IOperation root, CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IBlockOperation block => ControlFlowGraph.Create(block, cancellationToken),
        IFieldInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IPropertyInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IParameterInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        _ => null,
    };
}
