using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>One write of a field, auto-property, local or parameter found in source.</summary>
internal sealed class StorageWrite
{
    internal StorageWrite(IOperation write, IOperation target, IOperation? value, bool inConstructor)
    {
        Write = write;
        Target = target;
        Value = value;
        InConstructor = inConstructor;
    }

    /// <summary>The writing operation: an assignment, <c>++</c>/<c>--</c>, a <c>ref</c>/<c>out</c> argument.</summary>
    public IOperation Write { get; }

    /// <summary>The reference that is written.</summary>
    public IOperation Target { get; }

    /// <summary>
    /// The stored value when it is known: the right side of <c>=</c>, or the value argument of <c>Volatile.Write</c>
    /// and <c>Interlocked.Exchange</c>. Null for compound assignments, increments and other <c>ref</c>/<c>out</c> uses.
    /// </summary>
    public IOperation? Value { get; }

    /// <summary>
    /// True when the write is made by a constructor of the storage's type (the static constructor for static
    /// storage) outside any lambda: it runs before the object is shared.
    /// </summary>
    public bool InConstructor { get; }
}

/// <summary>A write that can run on another thread than some reader, and who makes it.</summary>
internal sealed class ConcurrentWrite
{
    internal ConcurrentWrite(StorageWrite write, string writer)
    {
        Write = write;
        Writer = writer;
    }

    public StorageWrite Write { get; }

    /// <summary>Who makes the write, for messages: "the Task.Run callback", "'Stop' on another thread", "'Main' while the thread runs".</summary>
    public string Writer { get; }
}

/// <summary>
/// Every write of a storage location in the compilation, found by a syntax prefilter on its name and bound only
/// there: a private field's writes in its type's declarations, a more visible field's or auto-property's writes
/// in every tree, a local's or parameter's writes in the member that declares it. Computed once per storage and
/// compilation. <see cref="FindWriteOnAnotherThread"/> combines them with the concurrency model: which write can
/// run on another thread while a given reader runs.
/// </summary>
internal static class StorageWrites
{
    private static readonly ConditionalWeakTable<ConcurrencyModel, PerStorage<List<StorageWrite>>> Caches = new();

    /// <summary>The writes of <paramref name="storage"/> (a field, auto-property, local or parameter); empty for anything else.</summary>
    public static IReadOnlyList<StorageWrite> Get(ConcurrencyModel model, ISymbol storage, CancellationToken cancellationToken)
        => Caches.GetValue(model, static _ => new PerStorage<List<StorageWrite>>())
            .GetOrAdd(storage, (model, cancellationToken), static (state, symbol) => WriteScan.Compute(state.model, symbol, state.cancellationToken));

    /// <summary>
    /// A write of <paramref name="storage"/> accepted by <paramref name="counts"/> that can run on another thread
    /// while the read <paramref name="reader"/> (a reference to the storage) runs; null when the concurrency model
    /// shows none. Constructor writes never count.
    /// </summary>
    /// <remarks>
    /// Evidence, per the concurrency model: the reader runs in a region and the write runs outside it (in another
    /// region that may overlap it, in the code that started it while it runs, or in code no region reaches); or the
    /// reader runs outside every region and the write runs in a region that may be running at the reader.
    /// </remarks>
    public static ConcurrentWrite? FindWriteOnAnotherThread(
        ConcurrencyModel model, ISymbol storage, IOperation reader, System.Func<StorageWrite, bool> counts, CancellationToken cancellationToken)
    {
        var writes = Get(model, storage, cancellationToken);
        if (writes.Count == 0)
        {
            return null;
        }

        // The writes that count are found without the concurrency model, so that code with none never builds it.
        var counted = new List<StorageWrite>();
        foreach (var write in writes)
        {
            if (!write.InConstructor && counts(write))
            {
                counted.Add(write);
            }
        }

        if (counted.Count == 0)
        {
            return null;
        }

        var types = model.Types;
        var readerEntries = model.GetEntries(reader, cancellationToken);
        foreach (var write in counted)
        {
            cancellationToken.ThrowIfCancellationRequested();

            var writeEntries = model.GetEntries(write.Write, cancellationToken);
            if (readerEntries.Count == 0)
            {
                foreach (var writeEntry in writeEntries)
                {
                    if (SharedStorage.Classify(write.Target, writeEntry, types) is { Sharing: not Sharing.NotShared }
                        && model.MayRunDuring(writeEntry.Region, reader, cancellationToken))
                    {
                        return new ConcurrentWrite(write, writeEntry.Region.Describe());
                    }
                }

                continue;
            }

            foreach (var readerEntry in readerEntries)
            {
                if (SharedStorage.Classify(reader, readerEntry, types) is not { Sharing: not Sharing.NotShared })
                {
                    continue;
                }

                var region = readerEntry.Region;
                if (writeEntries.Count == 0)
                {
                    if (region.IsInCreator(write.Write))
                    {
                        if (model.MayRunDuring(region, write.Write, cancellationToken))
                        {
                            return new ConcurrentWrite(write, MemberName(write.Write) + " while " + region.Describe() + " runs");
                        }

                        continue;
                    }

                    return new ConcurrentWrite(write, MemberName(write.Write) + " on another thread");
                }

                foreach (var writeEntry in writeEntries)
                {
                    if (writeEntry.Region == region ? region.IsSelfConcurrent : model.MayOverlap(writeEntry.Region, region, cancellationToken))
                    {
                        return new ConcurrentWrite(write, writeEntry.Region == region ? "another run of " + region.Describe() : writeEntry.Region.Describe());
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The function name of the member that holds <paramref name="operation"/>, quoted: "'Stop'", "the 'Worker' constructor", "top-level code".</summary>
    public static string MemberName(IOperation operation)
    {
        foreach (var ancestor in operation.Syntax.AncestorsAndSelf())
        {
            switch (ancestor)
            {
                case LocalFunctionStatementSyntax local:
                    return "'" + local.Identifier.ValueText + "'";
                case MethodDeclarationSyntax method:
                    return "'" + method.Identifier.ValueText + "'";
                case ConstructorDeclarationSyntax constructor:
                    return "the '" + constructor.Identifier.ValueText + "' constructor";
                case AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax property }:
                    return "'" + property.Identifier.ValueText + "'";
                case AccessorDeclarationSyntax { Parent.Parent: EventDeclarationSyntax eventDeclaration }:
                    return "'" + eventDeclaration.Identifier.ValueText + "'";
                case PropertyDeclarationSyntax property:
                    return "'" + property.Identifier.ValueText + "'";
                case OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax or IndexerDeclarationSyntax:
                    return "'" + ancestor.ToString().Split('\n')[0].Trim() + "'";
                case CompilationUnitSyntax:
                    return "top-level code";
            }
        }

        return "other code";
    }

    /// <summary>The field, auto-property, local or parameter that <paramref name="operation"/> references directly.</summary>
    public static ISymbol? StorageOf(IOperation operation) => operation switch
    {
        IFieldReferenceOperation { Field.IsConst: false } field => field.Field,
        IPropertyReferenceOperation property when SharedStorage.IsAutoProperty(property.Property) => property.Property,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>Finds the writes of one storage in the code that can name it.</summary>
    private static class WriteScan
    {
        public static List<StorageWrite> Compute(ConcurrencyModel model, ISymbol storage, CancellationToken cancellationToken)
        {
            var result = new List<StorageWrite>();
            foreach (var scope in Scopes(model, storage, cancellationToken))
            {
                if (!model.Compilation.ContainsSyntaxTree(scope.SyntaxTree))
                {
                    continue;
                }

                SemanticModel? semanticModel = null;
                foreach (var token in scope.DescendantTokens())
                {
                    if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != storage.Name
                        || token.Parent is not IdentifierNameSyntax identifier || WrittenExpression(identifier) is not { } written)
                    {
                        continue;
                    }

                    semanticModel ??= model.GetModel(scope.SyntaxTree);
                    if (semanticModel.GetOperation(written, cancellationToken) is not { } reference
                        || StorageOf(reference.WalkDownConversions()) is not { } symbol
                        || !SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, storage)
                        || SharedStorage.GetWrite(reference) is not { } write)
                    {
                        continue;
                    }

                    result.Add(new StorageWrite(write, reference, StoredValue(write, model.Types), IsInConstructor(identifier, storage)));
                }
            }

            return result;
        }

        /// <summary>The syntax to search: the declaring member for locals and parameters, the type (or every tree) for fields and properties.</summary>
        private static IEnumerable<SyntaxNode> Scopes(ConcurrencyModel model, ISymbol storage, CancellationToken cancellationToken)
        {
            switch (storage)
            {
                case ILocalSymbol or IParameterSymbol:
                    if (storage.DeclaringSyntaxReferences.Length == 1)
                    {
                        var declaration = storage.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
                        yield return MemberScopes.OutermostMember(declaration);
                    }

                    break;
                case IFieldSymbol or IPropertySymbol:
                    if (storage.DeclaredAccessibility == Accessibility.Private && storage.ContainingType is { } type)
                    {
                        foreach (var reference in type.DeclaringSyntaxReferences)
                        {
                            yield return reference.GetSyntax(cancellationToken);
                        }
                    }
                    else
                    {
                        // Only the trees whose text names it can write it (a text scan costs far less than walking the tree).
                        var name = new[] { storage.Name };
                        foreach (var tree in model.Compilation.SyntaxTrees)
                        {
                            if (TextMentions.MayMention(tree, name, implicitNew: false, cancellationToken))
                            {
                                yield return tree.GetRoot(cancellationToken);
                            }
                        }
                    }

                    break;
            }
        }

        /// <summary>The expression that is the target of a write when <paramref name="identifier"/> names it (<c>x</c>, <c>this.x</c>, <c>o.x</c>); otherwise null.</summary>
        private static ExpressionSyntax? WrittenExpression(IdentifierNameSyntax identifier)
        {
            ExpressionSyntax current = identifier;
            if (current.Parent is MemberAccessExpressionSyntax access && access.Name == current)
            {
                current = access;
            }

            var node = current;
            while (node.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                node = parenthesized;
            }

            switch (node.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == node:
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    return current;
                case ArgumentSyntax argument when argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword):
                    return current;
                default:
                    return null;
            }
        }

        private static IOperation? StoredValue(IOperation write, WellKnownTypes types)
        {
            switch (write)
            {
                case ISimpleAssignmentOperation assignment:
                    return assignment.Value;
                case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                    when invocation.Arguments.Length == 2 && invocation.Arguments[0] == argument
                        && (WellKnownTypes.IsMethod(invocation.TargetMethod, types.Volatile, "Write") || WellKnownTypes.IsMethod(invocation.TargetMethod, types.Interlocked, "Exchange")):
                    return invocation.Arguments[1].Value;
                default:
                    return null;
            }
        }

        private static bool IsInConstructor(SyntaxNode node, ISymbol storage)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                        return false;
                    case ConstructorDeclarationSyntax constructor:
                        return storage is IFieldSymbol or IPropertySymbol
                            && constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == storage.IsStatic
                            && constructor.Parent is TypeDeclarationSyntax type && type.Identifier.ValueText == storage.ContainingType?.Name;
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }
    }
}
