using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>The syntax scope that holds a declaration's uses.</summary>
internal static class MemberScopes
{
    /// <summary>The member (method, property, field, constructor…) around <paramref name="node"/>; the compilation unit for top-level code.</summary>
    public static SyntaxNode OutermostMember(SyntaxNode node)
    {
        foreach (var ancestor in node.AncestorsAndSelf())
        {
            if (ancestor is CompilationUnitSyntax or (MemberDeclarationSyntax and not BaseTypeDeclarationSyntax and not BaseNamespaceDeclarationSyntax))
            {
                return ancestor;
            }
        }

        return node;
    }
}
