using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR001: before a repeated <c>t.Start()</c>, assign a fresh thread built like the original
/// (<c>t = new Thread(Work) { Name = … };</c>) and repeat the property settings that followed the original creation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR001ThreadStartedTwiceCodeFix))]
[Shared]
public sealed class THR001ThreadStartedTwiceCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "THR001.CreateNewThread";

    /// <summary>Thread properties whose settings right after the creation are repeated for the new thread.</summary>
    private static readonly HashSet<string> ThreadSettings = new() { "Name", "IsBackground", "Priority", "CurrentCulture", "CurrentUICulture" };

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadStartedTwice);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var plan = Plan(root, model, diagnostic, context.CancellationToken);
            if (plan is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Create a new Thread before starting it again",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(StatementEditing.InsertBefore(root, plan.Value.Statement, plan.Value.Inserted))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>Everything checked before the fix is offered: the shape, the creation, and that its names are in scope.</summary>
    private static (StatementSyntax Statement, IReadOnlyList<StatementSyntax> Inserted)? Plan(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.ContainsKey(THR001ThreadStartedTwiceAnalyzer.RecreatableProperty)
            || diagnostic.AdditionalLocations.Count != 1
            || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree)
        {
            return null;
        }

        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>()
                is not { Expression: MemberAccessExpressionSyntax { Expression: var receiver }, Parent: ExpressionStatementSyntax statement }
            || !StatementEditing.CanInsertBefore(statement)
            || FixGuards.IsInBrokenMember(statement)
            || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true)
                is not BaseObjectCreationExpressionSyntax creation)
        {
            return null;
        }

        var thread = model.GetSymbolInfo(receiver, cancellationToken).Symbol;
        if (thread is null)
        {
            return null;
        }

        var settings = new List<StatementSyntax>(SettingsAfter(creation, thread, model, cancellationToken));
        if (!NamesAreInScope(creation, model, statement.SpanStart, cancellationToken))
        {
            return null;
        }

        var inserted = new List<StatementSyntax>
        {
            SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                receiver.WithoutTrivia(),
                creation.WithoutTrivia())),
        };
        foreach (var setting in settings)
        {
            if (!NamesAreInScope(setting, model, statement.SpanStart, cancellationToken))
            {
                return null;
            }

            inserted.Add(setting.WithoutTrivia());
        }

        return (statement, inserted);
    }

    /// <summary>The <c>t.Name = …;</c>-style statements that directly follow the statement holding the creation.</summary>
    private static IEnumerable<StatementSyntax> SettingsAfter(SyntaxNode creation, ISymbol thread, SemanticModel model, CancellationToken cancellationToken)
    {
        if (creation.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } creationStatement)
        {
            yield break;
        }

        for (var i = block.Statements.IndexOf(creationStatement) + 1; i < block.Statements.Count; i++)
        {
            if (block.Statements[i] is not ExpressionStatementSyntax
                {
                    Expression: AssignmentExpressionSyntax
                    {
                        RawKind: (int)SyntaxKind.SimpleAssignmentExpression,
                        Left: MemberAccessExpressionSyntax { Expression: var target, Name.Identifier.ValueText: var property },
                    },
                } setting
                || !ThreadSettings.Contains(property)
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(target, cancellationToken).Symbol, thread))
            {
                yield break;
            }

            yield return setting;
        }
    }

    /// <summary>Every local, parameter or range variable that <paramref name="original"/> names must be the same symbol at <paramref name="position"/>.</summary>
    private static bool NamesAreInScope(SyntaxNode original, SemanticModel model, int position, CancellationToken cancellationToken)
    {
        foreach (var node in original.DescendantNodesAndSelf())
        {
            if (node is not IdentifierNameSyntax identifier
                || model.GetSymbolInfo(identifier, cancellationToken).Symbol is not { } symbol
                || symbol is not (ILocalSymbol or IParameterSymbol or IRangeVariableSymbol))
            {
                continue;
            }

            var visible = false;
            foreach (var candidate in model.LookupSymbols(position, name: identifier.Identifier.ValueText))
            {
                visible |= SymbolEqualityComparer.Default.Equals(candidate, symbol);
            }

            if (!visible)
            {
                return false;
            }
        }

        return true;
    }
}
