using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>How a fix names a type it introduces.</summary>
internal enum TypeReference
{
    /// <summary>The simple name already binds to the type.</summary>
    InScope,

    /// <summary>Add a <c>using</c> for the namespace and write the simple name.</summary>
    AddUsing,

    /// <summary>A new <c>using</c> would change what existing code means: write the qualified name.</summary>
    Qualify,
}

/// <summary>Adds a <c>using</c> directive when a type is not yet reachable by its simple name.</summary>
internal static class UsingDirectives
{
    /// <summary>
    /// How to refer to <paramref name="namespaceName"/>.<paramref name="typeName"/> at <paramref name="position"/>:
    /// by its simple name when it binds already, through a new <c>using</c> when that cannot rebind any name in
    /// the document, otherwise by its qualified name.
    /// </summary>
    public static TypeReference Plan(SemanticModel model, SyntaxNode root, int position, string namespaceName, string typeName, CancellationToken cancellationToken)
    {
        if (IsInScope(model, position, namespaceName, typeName))
        {
            return TypeReference.InScope;
        }

        return CanImport(model, root, namespaceName, cancellationToken) ? TypeReference.AddUsing : TypeReference.Qualify;
    }

    /// <summary>The expression that names the type under <paramref name="reference"/>, e.g. the receiver of a static call.</summary>
    public static ExpressionSyntax TypeExpression(TypeReference reference, string namespaceName, string typeName)
        => reference == TypeReference.Qualify
            ? SyntaxFactory.ParseExpression("global::" + namespaceName + "." + typeName).WithAdditionalAnnotations(Simplifier.Annotation)
            : SyntaxFactory.IdentifierName(typeName);

    /// <summary>Adds the <c>using</c> when <paramref name="reference"/> asks for it.</summary>
    public static SyntaxNode Apply(SyntaxNode root, TypeReference reference, string namespaceName)
        => reference == TypeReference.AddUsing ? Add(root, namespaceName) : root;

    /// <summary>
    /// True when <c>using <paramref name="namespaceName"/>;</c> cannot change what a simple name in the document
    /// means: no unresolved name and no name bound to another type shares a name with a type of that namespace
    /// (the new directive would resolve the first and make the second ambiguous).
    /// </summary>
    public static bool CanImport(SemanticModel model, SyntaxNode root, string namespaceName, CancellationToken cancellationToken)
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

    /// <summary>True when <paramref name="typeName"/> already binds to a type of <paramref name="namespaceName"/> at <paramref name="position"/>.</summary>
    public static bool IsInScope(SemanticModel model, int position, string namespaceName, string typeName)
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

    /// <summary>Adds <c>using <paramref name="namespaceName"/>;</c> to the compilation unit, in ordinal order among the existing ones.</summary>
    public static SyntaxNode Add(SyntaxNode root, string namespaceName)
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
