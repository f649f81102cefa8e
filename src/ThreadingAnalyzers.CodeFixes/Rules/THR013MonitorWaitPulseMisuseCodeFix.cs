using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR013: <c>if (!ready) Monitor.Wait(gate);</c> becomes <c>while (!ready) Monitor.Wait(gate);</c>. Offered only when the
/// <c>if</c> has no <c>else</c> and its body is the Wait alone, so repeating the body repeats nothing but the wait.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR013MonitorWaitPulseMisuseCodeFix))]
[Shared]
public sealed class THR013MonitorWaitPulseMisuseCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "THR013.UseWhileLoop";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MonitorWaitPulseMisuse);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(THR013MonitorWaitPulseMisuseAnalyzer.GuardedByIfProperty)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement }
                || GuardingIf(statement) is not { } ifStatement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Wait in a 'while' loop",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(ifStatement, ToWhile(ifStatement)))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The <c>if</c> whose whole body is <paramref name="statement"/>, with no <c>else</c>.</summary>
    private static IfStatementSyntax? GuardingIf(StatementSyntax statement)
    {
        var body = statement.Parent is BlockSyntax { Statements.Count: 1 } block ? (StatementSyntax)block : statement;
        return body.Parent is IfStatementSyntax { Else: null } ifStatement && ifStatement.Statement == body ? ifStatement : null;
    }

    private static WhileStatementSyntax ToWhile(IfStatementSyntax ifStatement)
        => SyntaxFactory.WhileStatement(
                SyntaxFactory.Token(SyntaxKind.WhileKeyword).WithTriviaFrom(ifStatement.IfKeyword),
                ifStatement.OpenParenToken,
                ifStatement.Condition,
                ifStatement.CloseParenToken,
                ifStatement.Statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
}
