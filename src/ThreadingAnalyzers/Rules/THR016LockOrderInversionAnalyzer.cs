using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
/// THR016: two code paths of the compilation that take the same two locks in opposite orders. Every place where a
/// lock is taken while another is held is an edge "outer → inner" of a lock-order graph: a lock statement or an
/// acquire call (<c>Monitor.Enter</c>, <c>Wait</c>, <c>EnterWriteLock</c>…) under the locks that the shared
/// <see cref="LockFacts"/> say are held, and any lock taken by a source method called while a lock is held, a few
/// calls deep (<see cref="CallSummaries"/>). When both "A → B" and "B → A" exist, the later path is reported at its
/// inner lock, with the other path as an additional location.
/// </summary>
/// <remarks>
/// Locks are named across methods by <see cref="LockObjects.GetKey"/>: a field (all instances count as one lock),
/// <c>this</c> of a type, <c>typeof(T)</c>, a string. Locals and parameters have no name across methods and are left
/// out, so an order that depends on the arguments (<c>Transfer(a, b)</c> and <c>Transfer(b, a)</c>) is not seen.
/// The graph needs the whole compilation: the rule reports at the end of compilation analysis.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR016LockOrderInversionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR016LockOrderInversion);

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
            var edges = new ConcurrentQueue<Edge>();
            var typeEnd = new TypeEndWork(start);
            start.RegisterSymbolStartAction(
                typeStart =>
                {
                    if (!LockFacts.TypeMayHoldLocks((INamedTypeSymbol)typeStart.Symbol))
                    {
                        return;
                    }

                    var calls = new PerTypeQueue<CallUnderLock>();
                    SyntaxTrigger.Register(typeStart, context => AnalyzeLock(context, types, edges), SyntaxKind.LockStatement);
                    SyntaxTrigger.Register(typeStart, context => AnalyzeCall(context, types, edges, calls), SyntaxKind.InvocationExpression);
                    typeEnd.Register(typeStart, (compilation, _, cancellationToken) => AddCallEdges(compilation, types, edges, calls, cancellationToken));
                },
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(context =>
            {
                typeEnd.FinishAll(context);
                Report(context, edges);
            });
        });
    }

    private static void AnalyzeLock(SyntaxTrigger context, WellKnownTypes types, ConcurrentQueue<Edge> edges)
    {
        if (context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is not ILockOperation lockOperation
            || LockObjects.GetKey(lockOperation.LockedValue) is not { } key)
        {
            return;
        }

        AddHeldEdges(lockOperation, key, lockOperation.LockedValue.Syntax, SiteType(context), types, edges);
    }

    private static void AnalyzeCall(SyntaxTrigger context, WellKnownTypes types, ConcurrentQueue<Edge> edges, PerTypeQueue<CallUnderLock> calls)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        var name = syntax.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            IdentifierNameSyntax or GenericNameSyntax => string.Empty,
            _ => null,
        };
        if (name is null || !LockFacts.MemberMayHoldLocks(syntax)
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || invocation.IsImplicit)
        {
            return;
        }

        if (LockFacts.IsAcquireName(name))
        {
            if (LockFacts.MatchAcquire(invocation, types) is { LockedValue: { } locked, IsExclusive: true } && LockObjects.GetKey(locked) is { } key)
            {
                AddHeldEdges(invocation, key, syntax, SiteType(context), types, edges);
            }

            return;
        }

        // Locks taken by a source method called while locks are held.
        if (CallSummaries.Callee(invocation) is not { } callee)
        {
            return;
        }

        var heldKeys = HeldKeys(invocation, types);
        if (heldKeys.Count == 0)
        {
            return;
        }

        calls.Add(new CallUnderLock(callee, heldKeys, syntax.GetLocation(), SiteType(context)));
    }

    /// <summary>
    /// Once the type's members are bound (<see cref="TypeEndWork"/>), the locks each source method called under a lock
    /// may take, a few calls deep: the summaries read operations the driver has already bound.
    /// </summary>
    private static void AddCallEdges(Compilation compilation, WellKnownTypes types, ConcurrentQueue<Edge> edges, PerTypeQueue<CallUnderLock> calls, CancellationToken cancellationToken)
    {
        if (calls.Items is not { } items)
        {
            return;
        }

        var summaries = CallSummaries.Get(compilation, types);
        foreach (var call in items)
        {
            foreach (var (lockTaken, chain) in summaries.FindLocks(call.Callee, cancellationToken))
            {
                // A lock the caller already holds is re-entered, not acquired: it adds no order.
                if (call.HeldKeys.Contains(lockTaken.Key))
                {
                    continue;
                }

                foreach (var heldKey in call.HeldKeys)
                {
                    edges.Enqueue(new Edge(heldKey, lockTaken.Key, call.Site, " (through " + chain + ")", call.SiteType));
                }
            }
        }
    }

    /// <summary>One edge from every lock held at <paramref name="acquire"/> to the lock it takes, unless it is already held (re-entered).</summary>
    private static void AddHeldEdges(IOperation acquire, object key, SyntaxNode site, INamedTypeSymbol? siteType, WellKnownTypes types, ConcurrentQueue<Edge> edges)
    {
        var heldKeys = HeldKeys(acquire, types);
        if (heldKeys.Contains(key))
        {
            return;
        }

        foreach (var heldKey in heldKeys)
        {
            edges.Enqueue(new Edge(heldKey, key, site.GetLocation(), string.Empty, siteType));
        }
    }

    /// <summary>The cross-method keys of the exclusive locks held at <paramref name="operation"/>, each once, innermost first.</summary>
    private static List<object> HeldKeys(IOperation operation, WellKnownTypes types)
    {
        var keys = new List<object>();
        foreach (var held in LockFacts.GetHeldLocks(operation, types))
        {
            if (held.IsExclusive && held.LockedValue is { } heldValue && LockObjects.GetKey(heldValue) is { } heldKey && !keys.Contains(heldKey))
            {
                keys.Add(heldKey);
            }
        }

        return keys;
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentQueue<Edge> edges)
    {
        // Edges by direction, each list in source order, so the report is the same on every run.
        var byPair = new Dictionary<(object Outer, object Inner), List<Edge>>();
        foreach (var edge in edges)
        {
            if (!byPair.TryGetValue((edge.Outer, edge.Inner), out var list))
            {
                byPair[(edge.Outer, edge.Inner)] = list = new List<Edge>();
            }

            list.Add(edge);
        }

        foreach (var list in byPair.Values)
        {
            list.Sort(static (a, b) => Compare(a.Site, b.Site));
        }

        var reported = new HashSet<Location>();
        foreach (var pair in byPair)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!byPair.TryGetValue((pair.Key.Inner, pair.Key.Outer), out var opposite))
            {
                continue;
            }

            // The direction whose first path comes later in the source is "the second path": report all of its sites.
            var first = pair.Value[0];
            var other = opposite[0];
            if (Compare(first.Site, other.Site) < 0)
            {
                continue;
            }

            foreach (var edge in pair.Value)
            {
                if (!reported.Add(edge.Site))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.THR016LockOrderInversion,
                    edge.Site,
                    new[] { other.Site },
                    Name(edge.Inner, edge.SiteType),
                    Name(edge.Outer, edge.SiteType),
                    edge.Via));
            }
        }
    }

    private static INamedTypeSymbol? SiteType(SyntaxTrigger context)
        => context.ContainingSymbol as INamedTypeSymbol ?? context.ContainingSymbol?.ContainingType;

    /// <summary>A field or property of the site's own type by its name (<c>_gate</c>), anything else with its type (<c>Locks.A</c>).</summary>
    private static string Name(object key, INamedTypeSymbol? siteType)
        => key is ISymbol { ContainingType: { } owner } member and (IFieldSymbol or IPropertySymbol)
            && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, siteType?.OriginalDefinition)
                ? member.Name
                : LockObjects.DescribeKey(key);

    private static int Compare(Location a, Location b)
    {
        var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
        return byPath != 0 ? byPath : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
    }

    /// <summary>A call to a source method made while the locks <see cref="HeldKeys"/> are held, kept until the end of its type.</summary>
    private sealed class CallUnderLock
    {
        public CallUnderLock(IMethodSymbol callee, List<object> heldKeys, Location site, INamedTypeSymbol? siteType)
        {
            Callee = callee;
            HeldKeys = heldKeys;
            Site = site;
            SiteType = siteType;
        }

        public IMethodSymbol Callee { get; }

        public List<object> HeldKeys { get; }

        public Location Site { get; }

        public INamedTypeSymbol? SiteType { get; }
    }

    /// <summary>"<see cref="Outer"/> is held when <see cref="Inner"/> is taken at <see cref="Site"/>".</summary>
    private sealed class Edge
    {
        public Edge(object outer, object inner, Location site, string via, INamedTypeSymbol? siteType)
        {
            SiteType = siteType;
            Outer = outer;
            Inner = inner;
            Site = site;
            Via = via;
        }

        public object Outer { get; }

        public object Inner { get; }

        public Location Site { get; }

        public string Via { get; }

        /// <summary>The type whose code holds the site: its own fields are named without the type.</summary>
        public INamedTypeSymbol? SiteType { get; }
    }
}
