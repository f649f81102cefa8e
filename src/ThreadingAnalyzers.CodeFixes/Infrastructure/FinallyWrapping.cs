using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// One request to run statements in a <c>finally</c>: the statements of <see cref="Block"/> before <see cref="Cut"/>
/// go into a <c>try</c>, and <see cref="Finally"/> (existing statements of the block, moved, or new ones) into its
/// <c>finally</c>.
/// </summary>
internal sealed class FinallyEdit
{
    public FinallyEdit(BlockSyntax block, int cut, StatementSyntax? moved, StatementSyntax? added)
    {
        Block = block;
        Cut = cut;
        Moved = moved;
        Added = added;
    }

    public BlockSyntax Block { get; }

    /// <summary>Index of the first statement that stays after the <c>try</c>.</summary>
    public int Cut { get; }

    /// <summary>A statement of the block that moves into the <c>finally</c>.</summary>
    public StatementSyntax? Moved { get; }

    /// <summary>A new statement for the <c>finally</c>.</summary>
    public StatementSyntax? Added { get; }
}

/// <summary>
/// Rewrites a block as <c>prefix; try { work } finally { completion } rest</c>, merging several requests on one block.
/// Leading local declarations that the <c>finally</c> or the rest still need stay before the <c>try</c>; the rewrite
/// is refused when another name declared in the <c>try</c> is used after it, or when the block has labels.
/// </summary>
internal static class FinallyWrapping
{
    /// <summary>The block with the requests applied; null when they cannot be applied without breaking the code.</summary>
    public static BlockSyntax? Apply(IReadOnlyList<FinallyEdit> edits)
    {
        if (edits.Count == 0)
        {
            return null;
        }

        var block = edits[0].Block;
        var statements = block.Statements;
        var cut = 0;
        var moved = new HashSet<StatementSyntax>();
        var added = new List<StatementSyntax>();
        var addedTexts = new HashSet<string>();
        foreach (var edit in edits)
        {
            cut = System.Math.Max(cut, edit.Cut);
            if (edit.Moved is { } statement)
            {
                moved.Add(statement);
            }

            if (edit.Added is { } extra && addedTexts.Add(extra.NormalizeWhitespace().ToFullString()))
            {
                added.Add(extra);
            }
        }

        foreach (var node in block.DescendantNodes())
        {
            if (node is LabeledStatementSyntax or GotoStatementSyntax)
            {
                return null;
            }
        }

        var finallyStatements = new List<StatementSyntax>();
        var after = new List<StatementSyntax>();
        for (var i = 0; i < statements.Count; i++)
        {
            if (moved.Contains(statements[i]))
            {
                finallyStatements.Add(statements[i]);
            }
            else if (i >= cut)
            {
                after.Add(statements[i]);
            }
        }

        finallyStatements.AddRange(added);

        // Names the code after the try (and the finally) still uses.
        var usedAfter = new HashSet<string>();
        foreach (var statement in finallyStatements)
        {
            CollectIdentifiers(statement, usedAfter);
        }

        foreach (var statement in after)
        {
            CollectIdentifiers(statement, usedAfter);
        }

        var prefix = new List<StatementSyntax>();
        var work = new List<StatementSyntax>();
        for (var i = 0; i < cut; i++)
        {
            var statement = statements[i];
            if (moved.Contains(statement))
            {
                continue;
            }

            var declared = new List<string>();
            DeclaredNames.AddTo(declared, statement, includeParameters: false);
            var needed = false;
            foreach (var name in declared)
            {
                needed |= usedAfter.Contains(name);
            }

            if (!needed)
            {
                work.Add(statement);
                continue;
            }

            // Only a leading plain declaration may stay outside the try.
            if (work.Count > 0 || statement is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, AwaitKeyword.RawKind: 0 })
            {
                return null;
            }

            prefix.Add(statement);
        }

        if (work.Count == 0 || finallyStatements.Count == 0)
        {
            return null;
        }

        var tryStatement = SyntaxFactory.TryStatement(
                SyntaxFactory.Block(Clean(work)),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(Clean(finallyStatements, keepComments: true))))
            .WithLeadingTrivia(work[0].GetLeadingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        var result = new List<StatementSyntax>(prefix) { tryStatement };
        result.AddRange(after);
        return block.WithStatements(SyntaxFactory.List(result)).WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>The statements for a new block; the first one's comments went to the try statement.</summary>
    private static IEnumerable<StatementSyntax> Clean(List<StatementSyntax> statements, bool keepComments = false)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            yield return (i == 0 && !keepComments ? statement.WithLeadingTrivia(SyntaxFactory.ElasticMarker) : statement)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }
    }

    private static void CollectIdentifiers(SyntaxNode node, HashSet<string> names)
    {
        foreach (var token in node.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                names.Add(token.ValueText);
            }
        }
    }
}
