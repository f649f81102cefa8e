using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>The names code declares, for fixes that move code or invent a name that must not clash.</summary>
internal static class DeclaredNames
{
    /// <summary>
    /// Adds every name declared in <paramref name="node"/> (itself included) to <paramref name="names"/>: locals,
    /// out and pattern variables, <c>foreach</c> variables, local functions, and parameters when
    /// <paramref name="includeParameters"/>.
    /// </summary>
    public static void AddTo(ICollection<string> names, SyntaxNode node, bool includeParameters)
    {
        foreach (var descendant in node.DescendantNodesAndSelf())
        {
            var identifier = descendant switch
            {
                VariableDeclaratorSyntax declarator => declarator.Identifier,
                SingleVariableDesignationSyntax designation => designation.Identifier,
                ForEachStatementSyntax forEach => forEach.Identifier,
                LocalFunctionStatementSyntax function => function.Identifier,
                ParameterSyntax parameter when includeParameters => parameter.Identifier,
                _ => default,
            };
            if (identifier.RawKind != 0)
            {
                names.Add(identifier.ValueText);
            }
        }
    }
}
