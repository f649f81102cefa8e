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
/// THR004: a write (<c>=</c>, <c>++</c>, <c>--</c>, compound assignment, <c>ref</c>/<c>out</c> argument) to shared
/// storage inside a concurrent region, without a lock or Interlocked, when the region runs on several threads at once,
/// another region that can run beside it writes the same storage, the creating code writes it while the region runs,
/// or the storage is written under a lock elsewhere in its type.
/// </summary>
/// <remarks>
/// Triggered on write operations; a syntax-only check against the compilation's concurrency model
/// (<see cref="ConcurrencyModel.MayBeInRegion"/>) drops writes in code no region reaches before anything else is asked.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR004UnsynchronizedSharedWriteAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "Field", "StaticField", "Local" or "Other" — what the written storage is.</summary>
    public const string StorageProperty = "Storage";

    /// <summary>Diagnostic property: the name of the lock object the storage is written under elsewhere, when there is one.</summary>
    public const string LockedWithProperty = "LockedWith";

    private static readonly SyntaxKind[] WriteKinds =
    {
        SyntaxKind.SimpleAssignmentExpression, SyntaxKind.AddAssignmentExpression, SyntaxKind.SubtractAssignmentExpression,
        SyntaxKind.MultiplyAssignmentExpression, SyntaxKind.DivideAssignmentExpression, SyntaxKind.ModuloAssignmentExpression,
        SyntaxKind.AndAssignmentExpression, SyntaxKind.OrAssignmentExpression, SyntaxKind.ExclusiveOrAssignmentExpression,
        SyntaxKind.LeftShiftAssignmentExpression, SyntaxKind.RightShiftAssignmentExpression, SyntaxKind.UnsignedRightShiftAssignmentExpression,
        SyntaxKind.CoalesceAssignmentExpression, SyntaxKind.PreIncrementExpression, SyntaxKind.PostIncrementExpression,
        SyntaxKind.PreDecrementExpression, SyntaxKind.PostDecrementExpression, SyntaxKind.Argument,
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR004UnsynchronizedSharedWrite);

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
            var gate = new TypeGate(types, static t => t.Thread is not null || t.Task is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterForWholeCompilation(start, gate.Guard(context => Analyze(context, model)), WriteKinds);
        });
    }

    private static void Analyze(SyntaxTrigger context, ConcurrencyModel model)
    {
        var operation = context.Operation;
        var node = context.Node;
        if (node is ArgumentSyntax argumentSyntax && !IsRefOrOut(argumentSyntax))
        {
            return;
        }

        if (node is AssignmentExpressionSyntax { Left: TupleExpressionSyntax or DeclarationExpressionSyntax })
        {
            return;
        }

        // A variable of the innermost function is one per call: never shared.
        if (OwnLocals.IsOwnVariable(WrittenVariable(operation)))
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        if (context.KeepForCompilationEnd() || !model.MayBeInRegion(node, cancellationToken))
        {
            return;
        }

        var (target, verb) = operation switch
        {
            ISimpleAssignmentOperation assignment => (assignment.Target, "assigned"),
            ICompoundAssignmentOperation compound => (compound.Target, compound.OperatorKind switch
            {
                BinaryOperatorKind.Add => "added to",
                BinaryOperatorKind.Subtract => "subtracted from",
                _ => "updated",
            }),
            ICoalesceAssignmentOperation coalesce => (coalesce.Target, "assigned"),
            IIncrementOrDecrementOperation increment => (increment.Target, increment.Kind == OperationKind.Increment ? "incremented" : "decremented"),
            IArgumentOperation { Parameter.RefKind: RefKind.Out } argument => (argument.Value, "written through an out argument"),
            IArgumentOperation { Parameter.RefKind: RefKind.Ref } argument when WritesRefParameter(argument, cancellationToken) => (argument.Value, "written through a ref argument"),
            _ => (null, null),
        };
        if (target is null || verb is null || IsLazyInitialization(operation))
        {
            return;
        }

        var types = model.Types;
        if (LockFacts.IsProtected(target, types))
        {
            return;
        }

        // A plain store to a volatile field is atomic and visible; read-modify-write on it is not.
        if (operation is ISimpleAssignmentOperation && target.WalkDownConversions() is IFieldReferenceOperation { Field.IsVolatile: true })
        {
            return;
        }

        var entries = model.GetEntries(operation, cancellationToken);
        if (entries.Count == 0)
        {
            return;
        }

        // Writers that all store the same constant (found = true) race harmlessly: only a different value counts.
        var storedConstant = StoredConstant(operation);
        foreach (var entry in entries)
        {
            if (entry.ProtectedOnPath)
            {
                continue;
            }

            var storage = SharedStorage.Classify(target, entry, types);
            if (storage is null || storage.Sharing == Sharing.NotShared)
            {
                continue;
            }

            var (why, lockedWith) = FindReason(model, operation, entry, storage, storedConstant, cancellationToken);
            if (why is null)
            {
                continue;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(StorageProperty, StorageKind(storage.Symbol));
            if (lockedWith is not null)
            {
                properties = properties.Add(LockedWithProperty, lockedWith);
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR004UnsynchronizedSharedWrite, node.GetLocation(), properties, storage.Symbol.Name, verb, why));
            return;
        }
    }

    private static bool IsRefOrOut(ArgumentSyntax argument)
        => argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword);

    private static ExpressionSyntax? WrittenSyntax(SyntaxNode node) => node switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left,
        PostfixUnaryExpressionSyntax postfix => postfix.Operand,
        PrefixUnaryExpressionSyntax prefix => prefix.Operand,
        ArgumentSyntax argument => argument.Expression,
        _ => null,
    };

    /// <summary>What the write stores to, before anything about the callee of a ref argument is asked.</summary>
    private static IOperation? WrittenVariable(IOperation operation) => operation switch
    {
        IAssignmentOperation assignment => assignment.Target,
        IIncrementOrDecrementOperation increment => increment.Target,
        IArgumentOperation argument => argument.Value,
        _ => null,
    };

    /// <summary>Why the write races: the region's own concurrency, another writer that can run beside it, or inconsistent locking.</summary>
    private static (string? Why, string? LockedWith) FindReason(ConcurrencyModel model, IOperation write, RegionEntry entry, StorageInfo storage, Optional<object?> storedConstant, System.Threading.CancellationToken cancellationToken)
    {
        var region = entry.Region;
        string? why = null;
        if (region.IsSelfConcurrent && storage.Sharing == Sharing.AmongInstances && !storedConstant.HasValue && !StoresCapturedValue(write))
        {
            why = "by " + region.SelfConcurrencyReason + " without synchronization";
        }

        if (why is null && storage.IdentityKnown)
        {
            var index = SharedStorage.GetIndex(model, cancellationToken);
            foreach (var access in index.InRegions(storage.Key, cancellationToken))
            {
                if (access.IsWrite && access.Entry is { } other && other.Region != region && access.IdentityKnown
                    && !StoresSame(access, storedConstant) && model.MayOverlap(other.Region, region, cancellationToken))
                {
                    why = "by " + region.Describe() + " without synchronization while " + other.Region.Describe() + " also writes it";
                    break;
                }
            }

            if (why is null)
            {
                foreach (var access in index.InCreators(storage.Key, cancellationToken))
                {
                    if (access.IsWrite && access.LiveRegion == region && access.IdentityKnown && !StoresSame(access, storedConstant))
                    {
                        why = "by " + region.Describe() + " without synchronization while " + CreatorName(region) + " also writes it";
                        break;
                    }
                }
            }
        }

        // The whole-type fact is computed only for a write already found racy, or as the last evidence.
        var lockedWith = LockedWith(model, storage, cancellationToken);
        if (why is null && lockedWith is not null)
        {
            why = "by " + region.Describe() + " without synchronization, but is written under " + lockedWith.Describe() + " elsewhere";
        }

        return (why, why is null ? null : lockedWith?.LockSymbol?.Name);
    }

    /// <summary>The constant a plain assignment stores (<c>done = true</c>), if it stores one.</summary>
    private static Optional<object?> StoredConstant(IOperation write)
        => write is ISimpleAssignmentOperation { Value.ConstantValue: { HasValue: true } constant } ? constant : default;

    /// <summary>
    /// True for a plain assignment of a local or parameter captured from outside the function that runs concurrently
    /// and not assigned inside it (<c>Parallel.For(0, n, _ => shared.Job = job)</c>): every run stores the same value.
    /// </summary>
    private static bool StoresCapturedValue(IOperation write)
    {
        if (write is not ISimpleAssignmentOperation { Value: var value } || value.WalkDownConversions() is not { } stored)
        {
            return false;
        }

        var symbol = stored switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        var function = write.Syntax.FirstAncestorOrSelf<SyntaxNode>(static n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
        if (symbol is null || function is null || symbol.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var declaration = symbol.DeclaringSyntaxReferences[0];
        if (declaration.SyntaxTree != function.SyntaxTree || function.Span.Contains(declaration.Span))
        {
            return false;
        }

        foreach (var node in function.DescendantNodes())
        {
            if ((node is ArgumentSyntax argument ? IsRefOrOut(argument) : System.Array.IndexOf(WriteKinds, node.Kind()) >= 0)
                && WrittenSyntax(node) is IdentifierNameSyntax name && name.Identifier.ValueText == symbol.Name)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="access"/> is a plain assignment of the same constant as <paramref name="storedConstant"/>.</summary>
    private static bool StoresSame(StorageAccess access, Optional<object?> storedConstant)
        => storedConstant.HasValue
            && access.Reference.Parent is ISimpleAssignmentOperation assignment
            && assignment.Target == access.Reference
            && StoredConstant(assignment) is { HasValue: true } other
            && Equals(other.Value, storedConstant.Value);

    private static HeldLock? LockedWith(ConcurrencyModel model, StorageInfo storage, System.Threading.CancellationToken cancellationToken)
    {
        if (storage.Symbol is not (IFieldSymbol or IPropertySymbol) || storage.Symbol.ContainingType is not { } type)
        {
            return null;
        }

        return SharedStorage.GetLockedWrites(model, type, cancellationToken).TryGetValue(storage.Symbol.OriginalDefinition, out var held) ? held : null;
    }

    private static string CreatorName(ConcurrentRegion region)
    {
        var function = region.Start.GetEnclosingFunction();
        if (function is ILocalFunctionOperation local)
        {
            return "'" + local.Symbol.Name + "'";
        }

        if (function is null)
        {
            foreach (var ancestor in region.StartSyntax.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case MethodDeclarationSyntax method:
                        return "'" + method.Identifier.ValueText + "'";
                    case ConstructorDeclarationSyntax constructor:
                        return "the '" + constructor.Identifier.ValueText + "' constructor";
                }
            }
        }

        return "the code that started it";
    }

    /// <summary>
    /// A <c>ref</c> argument counts as a write only when the callee is in source and assigns the parameter itself
    /// (an unknown callee, one that only reads through the reference or passes it on, does nothing).
    /// </summary>
    private static bool WritesRefParameter(IArgumentOperation argument, System.Threading.CancellationToken cancellationToken)
    {
        if (argument.Parameter is not { } parameter || parameter.ContainingSymbol is not IMethodSymbol method
            || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        foreach (var node in method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).DescendantNodes())
        {
            var written = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression) => postfix.Operand,
                PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression) => prefix.Operand,
                _ => null,
            };
            if (written is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == parameter.Name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>x ??= Create()</c> and <c>if (x == null) x = Create();</c> on a reference: a benign race where every thread
    /// stores an equivalent value, and the .NET memory model publishes the object fully built.
    /// </summary>
    private static bool IsLazyInitialization(IOperation write)
    {
        if (write is ICoalesceAssignmentOperation)
        {
            return true;
        }

        if (write is not ISimpleAssignmentOperation { Target: var target } assignment || target.Type is not { IsReferenceType: true }
            || target.GetStorageSymbol() is not { } symbol)
        {
            return false;
        }

        for (var current = assignment.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IConditionalOperation conditional when IsNullTestOf(conditional.Condition, symbol):
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }

    private static bool IsNullTestOf(IOperation condition, ISymbol symbol)
    {
        switch (condition.WalkDownConversions())
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary:
                return IsNull(binary.RightOperand) && SymbolEqualityComparer.Default.Equals(binary.LeftOperand.GetStorageSymbol(), symbol)
                    || IsNull(binary.LeftOperand) && SymbolEqualityComparer.Default.Equals(binary.RightOperand.GetStorageSymbol(), symbol);
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern:
                return IsNull(constant.Value) && SymbolEqualityComparer.Default.Equals(pattern.Value.GetStorageSymbol(), symbol);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.ConditionalAnd } logical:
                return IsNullTestOf(logical.LeftOperand, symbol) || IsNullTestOf(logical.RightOperand, symbol);
            default:
                return false;
        }
    }

    private static bool IsNull(IOperation operation) => operation.WalkDownConversions().ConstantValue is { HasValue: true, Value: null };

    private static string StorageKind(ISymbol symbol) => symbol switch
    {
        IFieldSymbol { IsStatic: true } => "StaticField",
        IFieldSymbol => "Field",
        ILocalSymbol => "Local",
        IParameterSymbol => "Parameter",
        IPropertySymbol { IsStatic: true } => "StaticProperty",
        IPropertySymbol => "Property",
        _ => "Other",
    };
}
