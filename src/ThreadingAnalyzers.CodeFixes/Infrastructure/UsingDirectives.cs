using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Brings the types a fix writes into scope: through a <c>using</c> directive when that cannot change what existing
/// code means, otherwise by writing their qualified names.
/// </summary>
internal static class UsingDirectives
{
    private const string ImportAnnotationKind = "ThreadingAnalyzers.ImportedType";

    /// <summary>
    /// The simple name of <paramref name="namespaceName"/>.<paramref name="typeName"/> for new code, marked so that
    /// <see cref="Import"/> can qualify it when a <c>using</c> cannot be added.
    /// </summary>
    public static IdentifierNameSyntax NewTypeName(string namespaceName, string typeName)
        => MarkForImport(SyntaxFactory.IdentifierName(typeName), namespaceName);

    /// <summary>The generic form of <see cref="NewTypeName(string, string)"/>: <c>List&lt;Thread&gt;</c>.</summary>
    public static GenericNameSyntax NewTypeName(string namespaceName, string typeName, params TypeSyntax[] typeArguments)
        => MarkForImport(SyntaxFactory.GenericName(SyntaxFactory.Identifier(typeName), SyntaxFactory.TypeArgumentList(SyntaxFactory.SeparatedList(typeArguments))), namespaceName);

    /// <summary>Marks a simple name the fix wrote as naming a type of <paramref name="namespaceName"/> (see <see cref="Import"/>).</summary>
    public static T MarkForImport<T>(T name, string namespaceName)
        where T : SimpleNameSyntax
        => name.WithAdditionalAnnotations(new SyntaxAnnotation(ImportAnnotationKind, namespaceName));

    /// <summary>
    /// Makes the names from <see cref="NewTypeName(string, string)"/> of <paramref name="namespaceName"/> in <paramref name="newRoot"/>
    /// bind: nothing to do when <paramref name="typeName"/> already binds at <paramref name="position"/> of the
    /// original document; a new <c>using</c> when it cannot rebind a name of the original document; otherwise the
    /// marked names become qualified ones.
    /// </summary>
    public static SyntaxNode Import(SyntaxNode newRoot, SemanticModel model, int position, string namespaceName, string typeName, CancellationToken cancellationToken)
    {
        if (IsInScope(model, position, namespaceName, typeName))
        {
            return newRoot;
        }

        if (CanImport(model, model.SyntaxTree.GetRoot(cancellationToken), namespaceName, cancellationToken))
        {
            return Add(newRoot, namespaceName);
        }

        var marked = new List<SimpleNameSyntax>();
        foreach (var node in newRoot.GetAnnotatedNodes(ImportAnnotationKind))
        {
            if (node is SimpleNameSyntax name && name.GetAnnotations(ImportAnnotationKind).Any(a => a.Data == namespaceName))
            {
                marked.Add(name);
            }
        }

        return newRoot.ReplaceNodes(marked, (original, _) => Qualified(original, namespaceName));
    }

    /// <summary>True when <paramref name="typeName"/> already binds to a type of <paramref name="namespaceName"/> at <paramref name="position"/>.</summary>
    private static bool IsInScope(SemanticModel model, int position, string namespaceName, string typeName)
    {
        foreach (var symbol in model.LookupNamespacesAndTypes(position, name: typeName))
        {
            if (symbol is INamedTypeSymbol type && type.ContainingNamespace.ToDisplayString() == namespaceName)
            {
                return true;
            }
        }

        return false;
    }

    private static SyntaxNode Qualified(SimpleNameSyntax name, string namespaceName)
    {
        var bare = name.WithoutTrivia();
        SyntaxNode qualified = name.Parent is MemberAccessExpressionSyntax access && access.Expression == name
            ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.ParseExpression("global::" + namespaceName), bare)
            : SyntaxFactory.QualifiedName(SyntaxFactory.ParseName("global::" + namespaceName), bare);
        return qualified.WithTriviaFrom(name).WithAdditionalAnnotations(Simplifier.Annotation);
    }

    /// <summary>
    /// True when <c>using <paramref name="namespaceName"/>;</c> cannot change what a simple name in the document
    /// means: no unresolved name and no name bound to another type shares a name with a type of that namespace
    /// (the new directive would resolve the first and make the second ambiguous).
    /// </summary>
    private static bool CanImport(SemanticModel model, SyntaxNode root, string namespaceName, CancellationToken cancellationToken)
    {
        var names = TypeNames(model.Compilation, namespaceName);
        if (names.Count == 0)
        {
            return true;
        }

        foreach (var node in root.DescendantNodes())
        {
            if (node is not SimpleNameSyntax name || !names.Contains(name.Identifier.ValueText) || IsQualified(name))
            {
                continue;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            if (symbol is null
                || (symbol is INamedTypeSymbol type && type.ContainingNamespace.ToDisplayString() != namespaceName))
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<string> TypeNames(Compilation compilation, string namespaceName)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        INamespaceSymbol? current = compilation.GlobalNamespace;
        foreach (var part in namespaceName.Split('.'))
        {
            current = FindNamespace(current, part);
            if (current is null)
            {
                return names;
            }
        }

        foreach (var type in current.GetTypeMembers())
        {
            names.Add(type.Name);
        }

        return names;
    }

    private static INamespaceSymbol? FindNamespace(INamespaceSymbol parent, string name)
    {
        foreach (var member in parent.GetNamespaceMembers())
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    private static bool IsQualified(SimpleNameSyntax name) => name.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Name == name,
        QualifiedNameSyntax qualified => qualified.Right == name,
        MemberBindingExpressionSyntax => true,
        AliasQualifiedNameSyntax alias => alias.Name == name,
        _ => name.FirstAncestorOrSelf<UsingDirectiveSyntax>() is not null,
    };

    /// <summary>Adds <c>using <paramref name="namespaceName"/>;</c> to the compilation unit, in ordinal order among the existing ones.</summary>
    private static SyntaxNode Add(SyntaxNode root, string namespaceName)
    {
        if (root is not CompilationUnitSyntax unit)
        {
            return root;
        }

        foreach (var existing in unit.Usings)
        {
            if (existing.Alias is null && existing.StaticKeyword == default && existing.Name?.ToString() == namespaceName)
            {
                return root;
            }
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName))
            .WithTrailingTrivia(EndOfLine(root));
        var index = 0;
        while (index < unit.Usings.Count && IsBefore(unit.Usings[index], namespaceName))
        {
            index++;
        }

        if (index == 0 && unit.Usings.Count > 0)
        {
            // Keep the file's leading trivia (header comments) on the first line.
            var first = unit.Usings[0];
            directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
            unit = unit.ReplaceNode(first, first.WithLeadingTrivia());
        }
        else if (unit.Usings.Count == 0 && unit.Members.Count > 0)
        {
            return unit.WithUsings(unit.Usings.Add(directive.WithTrailingTrivia(EndOfLine(root), EndOfLine(root))));
        }

        return unit.WithUsings(unit.Usings.Insert(index, directive));
    }

    private static bool IsBefore(UsingDirectiveSyntax existing, string namespaceName)
    {
        if (existing.Alias is not null || existing.StaticKeyword != default || existing.GlobalKeyword != default)
        {
            return existing.GlobalKeyword != default;
        }

        var name = existing.Name?.ToString() ?? string.Empty;
        var existingIsSystem = name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
        var newIsSystem = namespaceName == "System" || namespaceName.StartsWith("System.", StringComparison.Ordinal);
        if (existingIsSystem != newIsSystem)
        {
            return existingIsSystem;
        }

        return string.CompareOrdinal(name, namespaceName) < 0;
    }

    private static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.CarriageReturnLineFeed;
    }
}
