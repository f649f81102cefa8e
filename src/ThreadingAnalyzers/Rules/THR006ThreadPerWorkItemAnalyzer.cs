using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR006: <c>new Thread(…)</c> inside a loop that runs once per work item — a <c>foreach</c> over items, a <c>for</c>
/// over a collection's indexes, a <c>while</c>/<c>do</c>/<c>for (;;)</c> loop such as a server's accept loop, or a
/// counted loop with more iterations than any sensible worker count. A counted loop up to a worker count (a constant
/// up to <see cref="MaxWorkerCount"/>, a variable, <c>Environment.ProcessorCount</c>) is a pool built by hand and stays silent.
/// </summary>
/// <remarks>Triggered on object creations named <c>Thread</c>; only the loops around the creation in the same function are read.</remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR006ThreadPerWorkItemAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Above this many iterations a counted loop is not a worker pool any more.</summary>
    public const int MaxWorkerCount = 64;

    private const int MaxTextLength = 40;

    /// <summary>
    /// Per for loop, once, what it indexes ("index of 'files'", empty when nothing): a loop that creates many threads
    /// was asked for each of them, walking its whole body every time.
    /// </summary>
    private static readonly RootCache<string> IndexedCollections = new();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR006ThreadPerWorkItem);

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
            var gate = new TypeGate(types, static t => t.Thread is not null);

            SyntaxTrigger.Register(start, 
                gate.Guard(context => AnalyzeCreation(context, types)),
                SyntaxKind.ObjectCreationExpression,
                SyntaxKind.ImplicitObjectCreationExpression);
        });
    }

    private static void AnalyzeCreation(SyntaxTrigger context, WellKnownTypes types)
    {
        if (!ThreadCreations.MayCreateThread(context.Node)
            || ThreadCreations.GetThreadCreation(context.SemanticModel, context.Node, types, context.CancellationToken) is not { } creation)
        {
            return;
        }

        for (var loop = creation.GetEnclosingLoop(); loop is not null; loop = loop.GetEnclosingLoop())
        {
            if (PerItem(loop, types) is { } what)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.THR006ThreadPerWorkItem,
                    context.Node.GetLocation(),
                    additionalLocations: new[] { loop.Syntax.GetLocation() },
                    what));
                return;
            }
        }
    }

    /// <summary>What the loop runs once per ("item of 'urls'", "pass of the while loop"), or null for a counted worker loop.</summary>
    private static string? PerItem(ILoopOperation loop, WellKnownTypes types)
    {
        switch (loop)
        {
            case IForEachLoopOperation forEach:
                var collection = forEach.Collection.WalkDownConversions();
                if (collection is IInvocationOperation { TargetMethod.Name: "Range", Arguments.Length: 2 } range
                    && WellKnownTypes.Is(range.TargetMethod.ContainingType, types.Enumerable))
                {
                    return LargeCount(range.Arguments[1].Value);
                }

                return IsThreadCollection(collection.Type, types) ? null : "item of '" + Shorten(collection.Syntax.ToString()) + "'";

            case IForLoopOperation forLoop:
                if (forLoop.Condition is null)
                {
                    return "pass of the for (;;) loop";
                }

                if (CountedBound(forLoop.Condition, forLoop.Locals) is not { } bound)
                {
                    return "pass of the for loop";
                }

                if (CollectionOfBound(bound) is { } counted)
                {
                    return IsThreadCollection(counted.Type, types) ? null : "index of '" + Shorten(counted.Syntax.ToString()) + "'";
                }

                var indexed = IndexedCollections.GetOrCreate(forLoop, loop => IndexedCollection((IForLoopOperation)loop, types) is { } collection
                    ? "index of '" + Shorten(collection.Syntax.ToString()) + "'"
                    : string.Empty);
                if (indexed.Length > 0)
                {
                    return indexed;
                }

                return LargeCount(bound);

            case IWhileLoopOperation whileLoop:
                if (whileLoop.Condition is not null && CountedBound(whileLoop.Condition, ImmutableArray<ILocalSymbol>.Empty) is { } whileBound
                    && CollectionOfBound(whileBound) is null)
                {
                    return LargeCount(whileBound);
                }

                return whileLoop.ConditionIsTop ? "pass of the while loop" : "pass of the do loop";

            default:
                return null;
        }
    }

    /// <summary>The bound of <c>i &lt; bound</c>, <c>i &lt;= bound</c>, <c>bound &gt; i</c>, <c>i != bound</c> on an integer local counter; null for anything else.</summary>
    private static IOperation? CountedBound(IOperation condition, ImmutableArray<ILocalSymbol> loopLocals)
    {
        if (condition.WalkDownConversions() is not IBinaryOperation binary)
        {
            return null;
        }

        var (counter, bound) = binary.OperatorKind switch
        {
            BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.NotEquals => (binary.LeftOperand, binary.RightOperand),
            BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual => (binary.RightOperand, binary.LeftOperand),
            _ => (null, null),
        };
        if (counter?.WalkDownConversions() is not ILocalReferenceOperation local
            || local.Local.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32
                or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte)
            || (!loopLocals.IsEmpty && !loopLocals.ContainsSymbol(local.Local)))
        {
            return null;
        }

        return bound;
    }

    /// <summary>The collection whose size bounds a loop: <c>items.Length</c>, <c>items.Count</c>, <c>items.Count()</c>.</summary>
    private static IOperation? CollectionOfBound(IOperation bound) => bound.WalkDownConversions() switch
    {
        IPropertyReferenceOperation { Property.Name: "Length" or "Count" or "LongLength", Instance: { } instance } => instance,
        IInvocationOperation { TargetMethod.Name: "Count" or "LongCount", Instance: null, Arguments.Length: 1 } count => count.Arguments[0].Value.WalkDownConversions(),
        _ => null,
    };

    /// <summary>A collection the loop body indexes with the loop counter (<c>files[i]</c>), other than a collection of threads.</summary>
    private static IOperation? IndexedCollection(IForLoopOperation loop, WellKnownTypes types)
    {
        foreach (var operation in loop.Body.Descendants())
        {
            var (collection, index) = operation switch
            {
                IArrayElementReferenceOperation { Indices.Length: 1 } element => (element.ArrayReference, element.Indices[0]),
                IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer => (instance, indexer.Arguments[0].Value),
                _ => (null, null),
            };
            if (collection is not null && index?.WalkDownConversions() is ILocalReferenceOperation local
                && loop.Locals.ContainsSymbol(local.Local) && !IsThreadCollection(collection.Type, types))
            {
                return collection;
            }
        }

        return null;
    }

    private static string? LargeCount(IOperation count)
        => count.WalkDownConversions().ConstantValue is { HasValue: true, Value: int value } && value > MaxWorkerCount
            ? "of the " + value + " iterations"
            : null;

    /// <summary>An array or generic collection of <c>Thread</c>: a loop over it builds or walks a fixed set of workers.</summary>
    private static bool IsThreadCollection(ITypeSymbol? type, WellKnownTypes types) => type switch
    {
        IArrayTypeSymbol array => WellKnownTypes.Is(array.ElementType, types.Thread),
        INamedTypeSymbol { TypeArguments.Length: 1 } named => WellKnownTypes.Is(named.TypeArguments[0], types.Thread),
        _ => false,
    };

    private static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", " ");
        return text.Length <= MaxTextLength ? text : text.Substring(0, MaxTextLength - 1) + "…";
    }
}
