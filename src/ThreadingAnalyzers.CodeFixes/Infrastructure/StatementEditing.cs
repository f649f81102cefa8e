using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>Statement-level edits that keep comments in place and leave indentation to the formatter.</summary>
internal static class StatementEditing
{
    /// <summary>True when new statements can be put before <paramref name="statement"/> (it sits in a block, a switch section, or is an embedded statement).</summary>
    public static bool CanInsertBefore(StatementSyntax statement)
        => statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax
            || IsEmbedded(statement);

    /// <summary>
    /// Puts <paramref name="inserted"/> before <paramref name="statement"/>. The statement's leading comments move
    /// to the first inserted statement; an embedded statement (<c>if (x) s;</c>) becomes a block.
    /// </summary>
    public static SyntaxNode InsertBefore(SyntaxNode root, StatementSyntax statement, IReadOnlyList<StatementSyntax> inserted)
    {
        var annotated = new List<StatementSyntax>(inserted.Count + 1);
        for (var i = 0; i < inserted.Count; i++)
        {
            var node = inserted[i].WithAdditionalAnnotations(Formatter.Annotation);
            annotated.Add(i == 0 ? node.WithLeadingTrivia(statement.GetLeadingTrivia()) : node);
        }

        var moved = statement.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Formatter.Annotation);
        annotated.Add(moved);

        switch (statement.Parent)
        {
            case BlockSyntax block:
                return root.ReplaceNode(block, block.WithStatements(Splice(block.Statements, statement, annotated)));
            case SwitchSectionSyntax section:
                return root.ReplaceNode(section, section.WithStatements(Splice(section.Statements, statement, annotated)));
            case GlobalStatementSyntax global when global.Parent is CompilationUnitSyntax unit:
                var members = new List<MemberDeclarationSyntax>();
                foreach (var member in unit.Members)
                {
                    if (member == global)
                    {
                        foreach (var node in annotated)
                        {
                            members.Add(SyntaxFactory.GlobalStatement(node));
                        }
                    }
                    else
                    {
                        members.Add(member);
                    }
                }

                return root.ReplaceNode(unit, unit.WithMembers(SyntaxFactory.List(members)));
            default:
                annotated[0] = annotated[0].WithLeadingTrivia(SyntaxFactory.ElasticMarker);
                annotated[annotated.Count - 1] = moved.WithTrailingTrivia(SyntaxFactory.ElasticMarker);
                var wrapped = SyntaxFactory.Block(annotated)
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return root.ReplaceNode(statement, wrapped);
        }
    }

    /// <summary>True when new statements can be put after <paramref name="statement"/> without restructuring (it sits in a block, a switch section, or is a top-level statement).</summary>
    public static bool CanInsertAfter(StatementSyntax statement)
        => statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax { Parent: CompilationUnitSyntax };

    /// <summary>Puts <paramref name="inserted"/> right after <paramref name="statement"/>; the statement keeps its own comments.</summary>
    public static SyntaxNode InsertAfter(SyntaxNode root, StatementSyntax statement, IReadOnlyList<StatementSyntax> inserted)
    {
        var annotated = new List<StatementSyntax>(inserted.Count + 1) { statement };
        foreach (var node in inserted)
        {
            annotated.Add(node.WithAdditionalAnnotations(Formatter.Annotation));
        }

        switch (statement.Parent)
        {
            case BlockSyntax block:
                return root.ReplaceNode(block, block.WithStatements(Splice(block.Statements, statement, annotated)));
            case SwitchSectionSyntax section:
                return root.ReplaceNode(section, section.WithStatements(Splice(section.Statements, statement, annotated)));
            case GlobalStatementSyntax global when global.Parent is CompilationUnitSyntax unit:
                var members = new List<MemberDeclarationSyntax>();
                foreach (var member in unit.Members)
                {
                    members.Add(member);
                    if (member == global)
                    {
                        for (var i = 1; i < annotated.Count; i++)
                        {
                            members.Add(SyntaxFactory.GlobalStatement(annotated[i]).WithAdditionalAnnotations(Formatter.Annotation));
                        }
                    }
                }

                return root.ReplaceNode(unit, unit.WithMembers(SyntaxFactory.List(members)));
            default:
                return root;
        }
    }

    private static bool IsEmbedded(StatementSyntax statement) => statement.Parent switch
    {
        IfStatementSyntax ifStatement => ifStatement.Statement == statement,
        ElseClauseSyntax elseClause => elseClause.Statement == statement,
        WhileStatementSyntax loop => loop.Statement == statement,
        DoStatementSyntax loop => loop.Statement == statement,
        ForStatementSyntax loop => loop.Statement == statement,
        CommonForEachStatementSyntax loop => loop.Statement == statement,
        UsingStatementSyntax usingStatement => usingStatement.Statement == statement,
        LockStatementSyntax lockStatement => lockStatement.Statement == statement,
        FixedStatementSyntax fixedStatement => fixedStatement.Statement == statement,
        _ => false,
    };

    private static SyntaxList<StatementSyntax> Splice(SyntaxList<StatementSyntax> statements, StatementSyntax target, List<StatementSyntax> replacement)
    {
        var index = statements.IndexOf(target);
        var result = statements.RemoveAt(index);
        return result.InsertRange(index, replacement);
    }
}
