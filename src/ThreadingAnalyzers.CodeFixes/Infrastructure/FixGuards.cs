using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>Conditions every fixer checks before it offers a rewrite.</summary>
internal static class FixGuards
{
    /// <summary>
    /// True when the member around <paramref name="node"/> has syntax errors. Half-typed code is reported
    /// (the analyzers run on it) but not rewritten: the parser's recovery there makes any edit a guess.
    /// </summary>
    public static bool IsInBrokenMember(SyntaxNode node)
    {
        SyntaxNode scope = node.FirstAncestorOrSelf<MemberDeclarationSyntax>(static m => m is not GlobalStatementSyntax) is { } member
            && member is not BaseNamespaceDeclarationSyntax
            ? member
            : node.SyntaxTree.GetRoot();
        if (!scope.ContainsDiagnostics)
        {
            return false;
        }

        foreach (var diagnostic in scope.GetDiagnostics())
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                return true;
            }
        }

        return false;
    }
}
