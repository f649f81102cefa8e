using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>Making a field <c>volatile</c>, and reading or writing storage through <c>Volatile.Read</c>/<c>Write</c>, when that compiles and changes nothing else.</summary>
internal static class VolatileFields
{
    /// <summary>
    /// The declaration of <paramref name="field"/> when it can be marked <c>volatile</c> in this document: a private,
    /// non-readonly, non-const field of a type the language allows (references, 32-bit-or-smaller primitives, enums
    /// over them, native ints), declared in <paramref name="root"/>'s tree by a type whose every part is in it, and
    /// never passed by <c>ref</c>/<c>out</c>/<c>in</c> except to <c>Interlocked</c> (which would raise CS0420).
    /// </summary>
    public static FieldDeclarationSyntax? CanMarkVolatile(IFieldSymbol field, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        if (field.IsVolatile || field.IsReadOnly || field.IsConst || field.DeclaredAccessibility != Accessibility.Private
            || !AllowsVolatile(field.Type) || field.DeclaringSyntaxReferences.Length != 1
            || field.ContainingType is not { } type || !IsDeclaredOnlyIn(type, root.SyntaxTree))
        {
            return null;
        }

        var reference = field.DeclaringSyntaxReferences[0];
        if (reference.SyntaxTree != root.SyntaxTree
            || root.FindNode(reference.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { } declaration)
        {
            return null;
        }

        foreach (var typeReference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in typeReference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } argument
                    && NamesField(argument.Expression, field, model, cancellationToken)
                    && !IsInterlockedArgument(argument, model, cancellationToken))
                {
                    return null;
                }
            }
        }

        return declaration;
    }

    /// <summary>Adds <c>volatile</c> to <paramref name="declaration"/>, after its other modifiers, keeping its comments.</summary>
    public static FieldDeclarationSyntax MarkVolatile(FieldDeclarationSyntax declaration)
    {
        var keyword = SyntaxFactory.Token(SyntaxKind.VolatileKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            var type = declaration.Declaration.Type;
            return declaration
                .WithModifiers(SyntaxFactory.TokenList(keyword.WithLeadingTrivia(type.GetLeadingTrivia())))
                .WithDeclaration(declaration.Declaration.WithType(type.WithLeadingTrivia()));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(keyword));
    }

    /// <summary>True when the language allows <c>volatile</c> on a field of <paramref name="type"/>.</summary>
    public static bool AllowsVolatile(ITypeSymbol type)
    {
        if (type.IsReferenceType || type.TypeKind == TypeKind.Pointer)
        {
            return true;
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
        {
            type = underlying;
        }

        return type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
            or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
            or SpecialType.System_Single or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
    }

    /// <summary>True when <c>Volatile.Read</c>/<c>Write</c> has an overload for <paramref name="type"/> (primitives and reference types; not enums or other structs).</summary>
    public static bool HasVolatileReadOverload(ITypeSymbol type)
        => type.IsReferenceType
            || type.SpecialType is SpecialType.System_Boolean or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16
                or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64
                or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_IntPtr
                or SpecialType.System_UIntPtr;

    /// <summary><c>Volatile.Read(ref <paramref name="storage"/>)</c>, annotated for formatting.</summary>
    public static ExpressionSyntax VolatileRead(ExpressionSyntax storage)
        => SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, UsingDirectives.NewTypeName("System.Threading", "Volatile"), SyntaxFactory.IdentifierName("Read")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), storage.WithoutTrivia()))))
            .WithTriviaFrom(storage)
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary><c>Volatile.Write(ref <paramref name="storage"/>, <paramref name="value"/>)</c>, annotated for formatting.</summary>
    public static ExpressionSyntax VolatileWrite(ExpressionSyntax storage, ExpressionSyntax value)
        => SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, UsingDirectives.NewTypeName("System.Threading", "Volatile"), SyntaxFactory.IdentifierName("Write")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), storage.WithoutTrivia()),
                    SyntaxFactory.Argument(value.WithoutTrivia()),
                })))
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>True when every part of <paramref name="type"/> (and of the types that contain it) is declared in <paramref name="tree"/>.</summary>
    public static bool IsDeclaredOnlyIn(INamedTypeSymbol type, SyntaxTree tree)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != tree)
                {
                    return false;
                }
            }
        }

        return type.DeclaringSyntaxReferences.Length > 0;
    }

    private static bool NamesField(ExpressionSyntax expression, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var name = expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };
        return name == field.Name
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol?.OriginalDefinition, field.OriginalDefinition);
    }

    private static bool IsInterlockedArgument(ArgumentSyntax argument, SemanticModel model, CancellationToken cancellationToken)
        => argument.Parent?.Parent is InvocationExpressionSyntax invocation
            && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ContainingType: { Name: "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };
}
