using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR007: a mutating call (<c>Add</c>, <c>Remove</c>, <c>Enqueue</c>, <c>TryDequeue</c>, an indexer store…) on a
/// <c>List</c>, <c>Dictionary</c>, <c>HashSet</c>, <c>Queue</c>, <c>Stack</c>, sorted collection or <c>LinkedList</c> held
/// in shared storage, made without a lock from a concurrent region that runs on several threads at once, or while
/// another region or the creating code uses the same collection.
/// </summary>
/// <remarks>Triggered on calls with a mutating name and on indexer stores; see <see cref="ConcurrencyModel.MayBeInRegion"/>.</remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR007NonThreadSafeCollectionSharedAnalyzer : DiagnosticAnalyzer
{
    private static readonly HashSet<string> MutatingNames = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Sort", "Reverse", "TryAdd", "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "AddFirst", "AddLast",
        "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith",
        "TrimExcess", "EnsureCapacity",
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR007NonThreadSafeCollectionShared);

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
            var gate = new TypeGate(types, static t => t.List1 is not null || t.Dictionary2 is not null || t.Queue1 is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterForWholeCompilation(start, 
                gate.Guard(context => Analyze(context, model)),
                SyntaxKind.InvocationExpression,
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxKind.AddAssignmentExpression,
                SyntaxKind.SubtractAssignmentExpression,
                SyntaxKind.CoalesceAssignmentExpression,
                SyntaxKind.PostIncrementExpression,
                SyntaxKind.PreIncrementExpression,
                SyntaxKind.PostDecrementExpression,
                SyntaxKind.PreDecrementExpression);
        });
    }

    private static void Analyze(SyntaxTrigger context, ConcurrencyModel model)
    {
        var node = context.Node;
        var operation = context.Operation;
        if (!PassesSyntaxFilter(node))
        {
            return;
        }

        var receiver = operation switch
        {
            IInvocationOperation { Instance: { } instance } => instance,
            IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } } => instance,
            IIncrementOrDecrementOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } } => instance,
            _ => null,
        };

        // A collection in a variable of the innermost function is one per call: never shared.
        var cancellationToken = context.CancellationToken;
        if (receiver is null || OwnLocals.IsOwnVariable(receiver) || context.KeepForCompilationEnd() || !model.MayBeInRegion(node, cancellationToken))
        {
            return;
        }

        var types = model.Types;
        if (CollectionFacts.GetMutation(receiver, types) is null || !CollectionFacts.IsNonThreadSafeCollection(receiver.Type, types)
            || LockFacts.IsInsideLock(operation, types))
        {
            return;
        }

        foreach (var entry in model.GetEntries(operation, cancellationToken))
        {
            if (entry.ProtectedOnPath || SharedStorage.Classify(receiver, entry, types) is not { Sharing: not Sharing.NotShared } storage)
            {
                continue;
            }

            var action = operation switch
            {
                IInvocationOperation invocation => "calls " + invocation.TargetMethod.Name + " on it",
                IAssignmentOperation => "stores into it through the indexer",
                _ => "updates an entry through the indexer",
            };
            var why = FindReason(model, entry, storage, action, cancellationToken);
            if (why is null)
            {
                continue;
            }

            var typeName = receiver.Type!.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR007NonThreadSafeCollectionShared, node.GetLocation(), storage.Symbol.Name, typeName, why));
            return;
        }
    }

    private static bool PassesSyntaxFilter(SyntaxNode node) => node switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => MutatingNames.Contains(access.Name.Identifier.ValueText),
        InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => MutatingNames.Contains(binding.Name.Identifier.ValueText),
        AssignmentExpressionSyntax assignment => assignment.Left is ElementAccessExpressionSyntax,
        PostfixUnaryExpressionSyntax postfix => postfix.Operand is ElementAccessExpressionSyntax,
        PrefixUnaryExpressionSyntax prefix => prefix.Operand is ElementAccessExpressionSyntax,
        _ => false,
    };

    private static string? FindReason(ConcurrencyModel model, RegionEntry entry, StorageInfo storage, string action, System.Threading.CancellationToken cancellationToken)
    {
        var region = entry.Region;
        if (region.IsSelfConcurrent && storage.Sharing == Sharing.AmongInstances)
        {
            return region.SelfConcurrencyReason + " " + action;
        }

        var index = SharedStorage.GetIndex(model, cancellationToken);
        foreach (var access in index.InRegions(storage.Key, cancellationToken))
        {
            if (access.Kind is AccessKind.CollectionRead or AccessKind.CollectionWrite && access.Entry is { } other && other.Region != region && storage.IdentityKnown && access.IdentityKnown
                && model.MayOverlap(other.Region, region, cancellationToken))
            {
                return region.Describe() + " " + action + " while " + other.Region.Describe() + " also uses it";
            }
        }

        foreach (var access in index.InCreators(storage.Key, cancellationToken))
        {
            if (access.Kind is AccessKind.CollectionRead or AccessKind.CollectionWrite && access.LiveRegion == region && storage.IdentityKnown && access.IdentityKnown)
            {
                return region.Describe() + " " + action + " while the code that started it also uses it";
            }
        }

        return null;
    }
}
