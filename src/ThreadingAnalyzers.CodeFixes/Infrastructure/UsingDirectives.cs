using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>Adds a <c>using</c> directive when a type is not yet reachable by its simple name.</summary>
internal static class UsingDirectives
{
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
