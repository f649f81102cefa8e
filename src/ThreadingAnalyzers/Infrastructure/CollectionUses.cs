using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>What one use of a producer/consumer collection (or event) does.</summary>
internal enum CollectionUseKind
{
    /// <summary>A call on it that neither adds, takes nor completes (<c>Count</c>, <c>IsEmpty</c>, <c>Dispose</c>…).</summary>
    Other,

    /// <summary><c>Add</c>, <c>TryAdd</c>, <c>Enqueue</c>, <c>Push</c>; a channel's <c>Writer.WriteAsync</c>/<c>TryWrite</c>.</summary>
    Produce,

    /// <summary><c>Take</c>, <c>TryTake</c>, <c>TryDequeue</c>, <c>TryPop</c>, <c>GetConsumingEnumerable</c>; a channel's <c>Reader</c> calls.</summary>
    Consume,

    /// <summary><c>CompleteAdding()</c>; a channel's <c>Writer.Complete</c>/<c>TryComplete</c>.</summary>
    Complete,

    /// <summary><c>Signal()</c> on a <c>CountdownEvent</c>.</summary>
    Signal,

    /// <summary><c>Wait(…)</c> on a <c>CountdownEvent</c>.</summary>
    Wait,

    /// <summary>The storage is assigned something other than a new object.</summary>
    Assigned,

    /// <summary>The value leaves through something this analysis does not follow (an argument, a return, an alias).</summary>
    Escapes,
}

/// <summary>One reference to the storage of a collection, classified.</summary>
internal sealed class CollectionUse
{
    internal CollectionUse(IOperation reference, IOperation? call, string member, CollectionUseKind kind)
    {
        Reference = reference;
        Call = call;
        Member = member;
        Kind = kind;
    }

    /// <summary>The reference to the field or local.</summary>
    public IOperation Reference { get; }

    /// <summary>The member call or property read made on it (through <c>.Writer</c>/<c>.Reader</c> for a channel); null for an escape or an assignment.</summary>
    public IOperation? Call { get; }

    /// <summary>The name of the member used: "Add", "GetConsumingEnumerable", "Complete"…</summary>
    public string Member { get; }

    public CollectionUseKind Kind { get; }
}

/// <summary>
/// Every use of a producer/consumer collection, channel or <c>CountdownEvent</c> kept in a private field or a local,
/// found by a syntax prefilter on its name in the scope where all its uses must be (the declaring type for a private
/// field, the declaring member for a local) and bound only there; plus the question rules ask of two of those uses:
/// can they run on different threads at the same time? Computed once per storage and compilation.
/// </summary>
internal static class CollectionUses
{
    private static readonly ConditionalWeakTable<ConcurrencyModel, PerStorage<List<CollectionUse>?>> Caches = new();

    /// <summary>
    /// The uses of <paramref name="storage"/>; null when the storage is not a private field or a local (so that not all
    /// its uses are visible) or a declaration is not in this compilation.
    /// </summary>
    public static List<CollectionUse>? Get(ConcurrencyModel model, ISymbol storage, CancellationToken cancellationToken)
    {
        return Caches.GetValue(model, static _ => new PerStorage<List<CollectionUse>?>())
            .GetOrAdd(storage, (model, cancellationToken), static (state, symbol) => Compute(state.model, symbol, state.cancellationToken));
    }

    /// <summary>
    /// Who runs <paramref name="other"/> on another thread while <paramref name="use"/> runs, for messages ("the
    /// Task.Run callback", "'Produce' on another thread", "'Main'" for the code that started the thread); null when the concurrency model does not show it. Only a
    /// known order counts for code outside every region: it must be the function that starts the other region, at a
    /// point where that region may be running (so a drain after <c>Join()</c> is not concurrent).
    /// </summary>
    public static string? RunsConcurrently(ConcurrencyModel model, IOperation use, IOperation other, CancellationToken cancellationToken)
    {
        var useEntries = model.GetEntries(use, cancellationToken);
        var otherEntries = model.GetEntries(other, cancellationToken);
        if (useEntries.Count == 0)
        {
            foreach (var otherEntry in otherEntries)
            {
                if (otherEntry.Region.IsInCreator(use) && model.MayRunDuring(otherEntry.Region, use, cancellationToken))
                {
                    return otherEntry.Region.Describe();
                }
            }

            return null;
        }

        foreach (var useEntry in useEntries)
        {
            var region = useEntry.Region;
            if (otherEntries.Count == 0)
            {
                if (!region.IsInCreator(other))
                {
                    return StorageWrites.MemberName(other) + " on another thread";
                }

                if (model.MayRunDuring(region, other, cancellationToken))
                {
                    return StorageWrites.MemberName(other);
                }

                continue;
            }

            foreach (var otherEntry in otherEntries)
            {
                if (otherEntry.Region != region && model.MayOverlap(otherEntry.Region, region, cancellationToken))
                {
                    return otherEntry.Region.Describe();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Syntax-only pre-check: true when <paramref name="node"/> may run in a region, or lies in a function that may
    /// start one (the only code outside regions that <see cref="RunsConcurrently"/> can show running beside one).
    /// </summary>
    public static bool MayBeConcurrent(ConcurrencyModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        if (model.MayBeInRegion(node, cancellationToken))
        {
            return true;
        }

        SyntaxNode? function = null;
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or CompilationUnitSyntax)
            {
                function = ancestor;
                break;
            }
        }

        if (function is null)
        {
            return false;
        }

        foreach (var descendant in function.DescendantNodes())
        {
            if (ConcurrencyModel.IsCandidateStart(descendant))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The field or local that <paramref name="operation"/> (a collection, channel or event expression) is read from; null otherwise.</summary>
    public static ISymbol? StorageOf(IOperation? operation)
        => operation.GetStorageSymbol() is { } symbol and (ILocalSymbol or IFieldSymbol { IsConst: false }) ? symbol : null;

    private static List<CollectionUse>? Compute(ConcurrencyModel model, ISymbol storage, CancellationToken cancellationToken)
    {
        var scopes = new List<SyntaxNode>();
        switch (storage)
        {
            case ILocalSymbol when storage.DeclaringSyntaxReferences.Length == 1:
                scopes.Add(MemberScopes.OutermostMember(storage.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken)));
                break;
            case IFieldSymbol { DeclaredAccessibility: Accessibility.Private, ContainingType: { } type }:
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    scopes.Add(reference.GetSyntax(cancellationToken));
                }

                break;
            default:
                return null;
        }

        var result = new List<CollectionUse>();
        foreach (var node in scopes)
        {
            if (!model.Compilation.ContainsSyntaxTree(node.SyntaxTree))
            {
                return null;
            }

            SemanticModel? semanticModel = null;
            foreach (var token in node.DescendantTokens())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != storage.Name || token.Parent is not IdentifierNameSyntax identifier)
                {
                    continue;
                }

                ExpressionSyntax expression = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == identifier ? self : identifier;
                if (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression)
                {
                    // o.name: another object's member of the same name.
                    continue;
                }

                semanticModel ??= model.GetModel(node.SyntaxTree);
                if (semanticModel.GetOperation(expression, cancellationToken) is not { } reference
                    || StorageOf(reference) is not { } symbol
                    || !SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, storage))
                {
                    continue;
                }

                result.Add(Classify(reference, model.Types));
            }
        }

        return result;
    }

    private static CollectionUse Classify(IOperation reference, WellKnownTypes types)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation { Conversion.IsImplicit: true, Conversion.IsReference: true } or IConversionOperation { Conversion.IsIdentity: true })
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                return new CollectionUse(reference, null, "=", assignment.Value.WalkDownConversions() is IObjectCreationOperation or IInvocationOperation { TargetMethod.IsStatic: true, TargetMethod.ContainingType.Name: "Channel" }
                    ? CollectionUseKind.Other
                    : CollectionUseKind.Assigned);
            case IInvocationOperation call when call.Instance == reference || IsExtensionReceiver(call, reference):
                return new CollectionUse(reference, call, call.TargetMethod.Name, Kind(call.TargetMethod.Name, reference.Type, types));
            case IPropertyReferenceOperation { Property.Name: "Writer" or "Reader" } side when side.Instance == reference && WellKnownTypes.IsOrDerivesFrom(reference.Type, types.Channel1):
                return ClassifyChannelSide(reference, side);
            case IPropertyReferenceOperation property when property.Instance == reference:
                return new CollectionUse(reference, property, property.Property.Name, CollectionUseKind.Other);
            case IEventReferenceOperation or IMethodReferenceOperation or IFieldReferenceOperation:
                return new CollectionUse(reference, parent, string.Empty, CollectionUseKind.Other);
            case IForEachLoopOperation loop when loop.Collection.WalkDownConversions() == reference:
                return new CollectionUse(reference, loop, "GetEnumerator", CollectionUseKind.Other);
            case IBinaryOperation or IIsPatternOperation:
                return new CollectionUse(reference, parent, string.Empty, CollectionUseKind.Other);
            default:
                return new CollectionUse(reference, null, string.Empty, CollectionUseKind.Escapes);
        }
    }

    private static CollectionUse ClassifyChannelSide(IOperation reference, IPropertyReferenceOperation side)
    {
        if (side.Parent is IInvocationOperation call && call.Instance == side)
        {
            var name = call.TargetMethod.Name;
            var kind = side.Property.Name == "Writer"
                ? name switch
                {
                    "WriteAsync" or "TryWrite" => CollectionUseKind.Produce,
                    "Complete" or "TryComplete" => CollectionUseKind.Complete,
                    _ => CollectionUseKind.Other,
                }
                : name switch
                {
                    "ReadAllAsync" or "WaitToReadAsync" or "ReadAsync" or "TryRead" => CollectionUseKind.Consume,
                    _ => CollectionUseKind.Other,
                };
            return new CollectionUse(reference, call, name, kind);
        }

        if (side.Parent is IPropertyReferenceOperation { Property.Name: "Completion" or "Count" or "CanCount" or "CanPeek" } property && property.Instance == side)
        {
            return new CollectionUse(reference, property, property.Property.Name, CollectionUseKind.Other);
        }

        // ch.Writer handed to someone: its completion is out of sight.
        return new CollectionUse(reference, side, side.Property.Name, CollectionUseKind.Escapes);
    }

    private static bool IsExtensionReceiver(IInvocationOperation call, IOperation reference)
        => call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && call.Arguments[0].Value.WalkDownConversions() == reference;

    private static CollectionUseKind Kind(string name, ITypeSymbol? type, WellKnownTypes types)
    {
        if (WellKnownTypes.Is(type, types.CountdownEvent))
        {
            return name switch
            {
                "Signal" => CollectionUseKind.Signal,
                "Wait" => CollectionUseKind.Wait,
                _ => CollectionUseKind.Other,
            };
        }

        return name switch
        {
            "Add" or "TryAdd" or "Enqueue" or "Push" or "PushRange" => CollectionUseKind.Produce,
            "Take" or "TryTake" or "TryDequeue" or "TryPop" or "TryPopRange" or "GetConsumingEnumerable" or "Dequeue" => CollectionUseKind.Consume,
            "CompleteAdding" => CollectionUseKind.Complete,
            _ => CollectionUseKind.Other,
        };
    }
}
