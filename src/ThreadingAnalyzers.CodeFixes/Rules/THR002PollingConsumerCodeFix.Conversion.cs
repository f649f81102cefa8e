using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR002 for a <c>ConcurrentQueue</c>, <c>ConcurrentStack</c> or <c>ConcurrentBag</c> in a private field or a local
/// whose every use is in this document: the storage becomes a <c>BlockingCollection&lt;T&gt;</c> around the same
/// concurrent collection, <c>Enqueue</c>/<c>Push</c> become <c>Add</c>, <c>TryDequeue</c>/<c>TryPop</c> become
/// <c>TryTake</c>, <c>IsEmpty</c> becomes <c>Count == 0</c>, and the polling loop becomes a <c>foreach</c> over
/// <c>GetConsumingEnumerable()</c>. Refused when any use has no equivalent.
/// </summary>
internal static class BlockingCollectionConversion
{
    private const string Namespace = "System.Collections.Concurrent";

    public static SyntaxNode? Apply(SyntaxNode root, SemanticModel model, PollingShape shape, THR002PollingConsumerCodeFix.LoopPlan plan, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(shape.Collection, cancellationToken).Symbol is not { } storage
            || Scopes(storage, root.SyntaxTree, cancellationToken) is not { } scopes
            || Declaration(storage, cancellationToken) is not { } declaration)
        {
            return null;
        }

        var loop = (WhileStatementSyntax)shape.Statement;
        var takeStatement = loop.Statement is BlockSyntax block ? block.Statements[0] : loop.Statement;
        var edits = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var scope in scopes)
        {
            foreach (var token in scope.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != storage.Name || token.Parent is not IdentifierNameSyntax identifier)
                {
                    continue;
                }

                ExpressionSyntax expression = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == identifier ? self : identifier;
                if (expression.Parent is MemberAccessExpressionSyntax other && other.Name == expression
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol, storage))
                {
                    continue;
                }

                // The loop's own test and take disappear with the loop.
                if (loop.Condition.Span.Contains(expression.Span) || takeStatement.Span.Contains(expression.Span) && !plan.UnwrapIf
                    || plan.UnwrapIf && ((IfStatementSyntax)takeStatement).Condition.Span.Contains(expression.Span))
                {
                    continue;
                }

                if (!AddEdit(expression, edits))
                {
                    return null;
                }
            }
        }

        if (!AddDeclarationEdit(declaration, storage, edits))
        {
            return null;
        }

        edits[loop] = loop;
        var result = root.ReplaceNodes(
            edits.Keys,
            (original, rewritten) => original == loop
                ? THR002PollingConsumerCodeFix.BuildLoop((WhileStatementSyntax)rewritten, plan, shape.Collection)
                : Rewrite(original, rewritten, edits[original]));
        var simpleName = false;
        foreach (var replacement in edits.Values)
        {
            simpleName |= replacement is ObjectCreationExpressionSyntax { Type: GenericNameSyntax } or GenericNameSyntax;
        }

        return simpleName ? UsingDirectives.Import(result, model, loop.SpanStart, Namespace, "BlockingCollection", cancellationToken) : result;
    }

    /// <summary>The syntax that holds every use: the type's declarations (all in this tree) for a private field, the member for a local.</summary>
    private static List<SyntaxNode>? Scopes(ISymbol storage, SyntaxTree tree, CancellationToken cancellationToken)
    {
        var scopes = new List<SyntaxNode>();
        switch (storage)
        {
            case ILocalSymbol when storage.DeclaringSyntaxReferences.Length == 1:
                var member = storage.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).FirstAncestorOrSelf<MemberDeclarationSyntax>();
                if (member is null || member is GlobalStatementSyntax)
                {
                    return null;
                }

                scopes.Add(member);
                return scopes;
            case IFieldSymbol { DeclaredAccessibility: Accessibility.Private, ContainingType: { } type }:
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree != tree)
                    {
                        return null;
                    }

                    scopes.Add(reference.GetSyntax(cancellationToken));
                }

                return scopes.Count > 0 ? scopes : null;
            default:
                return null;
        }
    }

    /// <summary>The declarator of the field or local, when it declares only that variable.</summary>
    private static VariableDeclaratorSyntax? Declaration(ISymbol storage, CancellationToken cancellationToken)
        => storage.DeclaringSyntaxReferences.Length == 1
            && storage.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } } } declarator
            ? declarator
            : null;

    /// <summary>Records how a use of the collection changes; false when it has no <c>BlockingCollection</c> equivalent.</summary>
    private static bool AddEdit(ExpressionSyntax reference, Dictionary<SyntaxNode, SyntaxNode> edits)
    {
        if (reference.Parent is not MemberAccessExpressionSyntax access || access.Expression != reference)
        {
            return false;
        }

        var name = access.Name.Identifier.ValueText;
        if (access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access)
        {
            var count = invocation.ArgumentList.Arguments.Count;
            switch (name)
            {
                case "Enqueue" or "Push" when count == 1:
                    edits[access.Name] = SyntaxFactory.IdentifierName("Add");
                    return true;
                case "Add" when count == 1:
                    return true;
                case "TryDequeue" or "TryPop" or "TryTake" when count == 1:
                    // Another consumer: converting it is fine, but then two fixes of one collection would overlap.
                    return false;
                default:
                    return false;
            }
        }

        switch (name)
        {
            case "Count":
                return true;
            case "IsEmpty":
                var test = SyntaxFactory.BinaryExpression(
                    SyntaxKind.EqualsExpression,
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, reference.WithoutTrivia(), SyntaxFactory.IdentifierName("Count")),
                    SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0)));
                edits[access] = SyntaxFactory.ParenthesizedExpression(test).WithTriviaFrom(access).WithAdditionalAnnotations(Simplifier.Annotation);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>ConcurrentQueue&lt;T&gt; q = new ConcurrentQueue&lt;T&gt;()</c> (or <c>var</c>, or <c>new()</c>) as
    /// <c>BlockingCollection&lt;T&gt; q = new BlockingCollection&lt;T&gt;(new ConcurrentQueue&lt;T&gt;())</c>.
    /// </summary>
    private static bool AddDeclarationEdit(VariableDeclaratorSyntax declarator, ISymbol storage, Dictionary<SyntaxNode, SyntaxNode> edits)
    {
        var declaration = (VariableDeclarationSyntax)declarator.Parent!;
        var declaredType = declaration.Type;
        TypeSyntax? concurrentType = declaredType.IsVar ? null : declaredType;
        switch (declarator.Initializer?.Value)
        {
            case ObjectCreationExpressionSyntax { Initializer: null } creation when creation.ArgumentList is null || creation.ArgumentList.Arguments.Count == 0:
                concurrentType = creation.Type;
                break;
            case ImplicitObjectCreationExpressionSyntax { Initializer: null, ArgumentList.Arguments.Count: 0 } when concurrentType is not null:
                break;
            default:
                return false;
        }

        if (BlockingType(concurrentType) is not { } blockingType || storage is IFieldSymbol { IsConst: true })
        {
            return false;
        }

        var inner = SyntaxFactory.ObjectCreationExpression(concurrentType.WithoutTrivia()).WithArgumentList(SyntaxFactory.ArgumentList());
        var outer = SyntaxFactory.ObjectCreationExpression(blockingType)
            .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(inner))));
        edits[declarator.Initializer!.Value] = outer.WithTriviaFrom(declarator.Initializer.Value);
        if (!declaredType.IsVar)
        {
            if (BlockingType(declaredType) is not { } newDeclaredType)
            {
                return false;
            }

            edits[declaredType] = newDeclaredType.WithTriviaFrom(declaredType);
        }

        return true;
    }

    /// <summary>
    /// <c>BlockingCollection&lt;T&gt;</c> for <c>ConcurrentQueue&lt;T&gt;</c>, <c>ConcurrentStack&lt;T&gt;</c> or
    /// <c>ConcurrentBag&lt;T&gt;</c>; a simple name is marked for <see cref="UsingDirectives.Import"/>, a qualified one stays qualified.
    /// </summary>
    private static TypeSyntax? BlockingType(TypeSyntax type) => type switch
    {
        GenericNameSyntax generic when BlockingName(generic) is { } name => UsingDirectives.MarkForImport(name, Namespace),
        QualifiedNameSyntax { Right: GenericNameSyntax right } qualified when BlockingName(right) is { } name => qualified.WithRight(name).WithoutTrivia(),
        _ => null,
    };

    private static GenericNameSyntax? BlockingName(GenericNameSyntax name)
        => name is { Identifier.ValueText: "ConcurrentQueue" or "ConcurrentStack" or "ConcurrentBag", TypeArgumentList.Arguments.Count: 1 }
            ? name.WithIdentifier(SyntaxFactory.Identifier("BlockingCollection")).WithoutTrivia()
            : null;

    private static SyntaxNode Rewrite(SyntaxNode original, SyntaxNode rewritten, SyntaxNode replacement)
        => original is SimpleNameSyntax && replacement is SimpleNameSyntax name
            ? name.WithTriviaFrom(rewritten)
            : replacement == original ? rewritten : replacement.WithAdditionalAnnotations(Formatter.Annotation);
}
