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
using Microsoft.CodeAnalysis.Formatting;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR011: make the endless thread a background thread (<c>t.IsBackground = true;</c> after the creation, or in its
/// object initializer), or, when a <c>CancellationToken</c> or <c>CancellationTokenSource</c> is in scope at the loop,
/// end the loop when it is cancelled.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR011EndlessForegroundThreadCodeFix))]
[Shared]
public sealed class THR011EndlessForegroundThreadCodeFix : CodeFixProvider
{
    public const string MakeBackgroundKey = "THR011.MakeBackground";
    public const string StopOnCancellationKey = "THR011.StopOnCancellation";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.EndlessForegroundThread);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not BaseObjectCreationExpressionSyntax creation)
            {
                continue;
            }

            if (!diagnostic.Properties.ContainsKey(THR011EndlessForegroundThreadAnalyzer.ExplicitForegroundProperty))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Make it a background thread",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(MakeBackground(root, creation))),
                        MakeBackgroundKey),
                    diagnostic);
            }

            if (PlanCancellation(root, model, diagnostic, context.CancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Stop the loop when '{plan.TokenName}' is cancelled",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(plan.Loop, plan.Replacement))),
                        StopOnCancellationKey),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// <c>var t = new Thread(…);</c> → adds <c>t.IsBackground = true;</c> after it; an object initializer gets
    /// <c>IsBackground = true</c>; anything else (<c>new Thread(…).Start()</c>) gets a new initializer.
    /// </summary>
    private static SyntaxNode MakeBackground(SyntaxNode root, BaseObjectCreationExpressionSyntax creation)
    {
        var setting = SyntaxFactory.AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxFactory.IdentifierName("IsBackground"),
            SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression));

        if (creation.Initializer is { } existing)
        {
            var expressions = existing.Expressions.Add(setting);
            return root.ReplaceNode(existing, existing.WithExpressions(expressions).WithAdditionalAnnotations(Formatter.Annotation));
        }

        if (StorageStatement(creation) is ({ } statement, { } target) && StatementEditing.CanInsertAfter(statement))
        {
            var assignment = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target.WithoutTrivia(), SyntaxFactory.IdentifierName("IsBackground")),
                SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression)));
            return StatementEditing.InsertAfter(root, statement, new[] { assignment });
        }

        var initializer = SyntaxFactory.InitializerExpression(
            SyntaxKind.ObjectInitializerExpression,
            SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(setting))
            .WithAdditionalAnnotations(Formatter.Annotation);
        BaseObjectCreationExpressionSyntax updated = creation switch
        {
            ObjectCreationExpressionSyntax explicitCreation => explicitCreation
                .WithArgumentList(explicitCreation.ArgumentList?.WithoutTrailingTrivia())
                .WithInitializer(initializer),
            ImplicitObjectCreationExpressionSyntax implicitCreation => implicitCreation
                .WithArgumentList(implicitCreation.ArgumentList.WithoutTrailingTrivia())
                .WithInitializer(initializer),
            _ => creation,
        };
        return root.ReplaceNode(creation, updated.WithTrailingTrivia(creation.GetTrailingTrivia()));
    }

    /// <summary>The statement that stores the creation and the expression naming where: <c>var t = new Thread(…);</c> → (statement, <c>t</c>).</summary>
    private static (StatementSyntax? Statement, ExpressionSyntax? Target) StorageStatement(BaseObjectCreationExpressionSyntax creation)
    {
        switch (creation.Parent)
        {
            case EqualsValueClauseSyntax
            {
                Parent: VariableDeclaratorSyntax declarator,
                Parent.Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement },
            }:
                return (statement, SyntaxFactory.IdentifierName(declarator.Identifier.ValueText));
            case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Parent: ExpressionStatementSyntax statement } assignment
                when assignment.Right == creation && assignment.Left is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }:
                return (statement, assignment.Left);
            default:
                return (null, null);
        }
    }

    private sealed class CancellationPlan
    {
        public CancellationPlan(StatementSyntax loop, StatementSyntax replacement, string tokenName)
        {
            Loop = loop;
            Replacement = replacement;
            TokenName = tokenName;
        }

        public StatementSyntax Loop { get; }

        public StatementSyntax Replacement { get; }

        public string TokenName { get; }
    }

    /// <summary>
    /// Offered only when the endless loop is in this document, a token or token source is in scope at its condition,
    /// and <c>!token.IsCancellationRequested</c> binds there to a bool.
    /// </summary>
    private static CancellationPlan? PlanCancellation(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (diagnostic.AdditionalLocations.Count != 1 || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree
            || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not StatementSyntax loop)
        {
            return null;
        }

        var (condition, position) = loop switch
        {
            WhileStatementSyntax whileLoop => (whileLoop.Condition, whileLoop.Condition.SpanStart),
            DoStatementSyntax doLoop => (doLoop.Condition, doLoop.Condition.SpanStart),
            ForStatementSyntax forLoop => (forLoop.Condition, forLoop.SecondSemicolonToken.SpanStart),
            _ => ((ExpressionSyntax?)null, -1),
        };
        if (position < 0)
        {
            return null;
        }

        foreach (var name in TokenCandidates(model, position, cancellationToken))
        {
            var notCancelled = SyntaxFactory.PrefixUnaryExpression(
                SyntaxKind.LogicalNotExpression,
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.IdentifierName(name),
                    SyntaxFactory.IdentifierName("IsCancellationRequested")));
            var type = model.GetSpeculativeTypeInfo(position, notCancelled, SpeculativeBindingOption.BindAsExpression).Type;
            var property = model.GetSpeculativeSymbolInfo(position, (ExpressionSyntax)notCancelled.Operand, SpeculativeBindingOption.BindAsExpression).Symbol;
            if (type?.SpecialType != SpecialType.System_Boolean || property is not IPropertySymbol)
            {
                continue;
            }

            var newCondition = Combine(condition, notCancelled, model, cancellationToken);
            StatementSyntax replacement = loop switch
            {
                WhileStatementSyntax whileLoop => whileLoop.WithCondition(newCondition.WithTriviaFrom(whileLoop.Condition)),
                DoStatementSyntax doLoop => doLoop.WithCondition(newCondition.WithTriviaFrom(doLoop.Condition)),
                ForStatementSyntax forLoop => forLoop.WithCondition(condition is null ? newCondition.WithLeadingTrivia(SyntaxFactory.Space) : newCondition.WithTriviaFrom(condition)),
                _ => loop,
            };
            return new CancellationPlan(loop, replacement, name);
        }

        return null;
    }

    /// <summary><c>true</c> or nothing → the new test; anything else → <c>old &amp;&amp; new</c>.</summary>
    private static ExpressionSyntax Combine(ExpressionSyntax? condition, ExpressionSyntax notCancelled, SemanticModel model, CancellationToken cancellationToken)
    {
        if (condition is null || model.GetConstantValue(condition, cancellationToken) is { HasValue: true, Value: true })
        {
            return notCancelled;
        }

        var left = condition is IdentifierNameSyntax or MemberAccessExpressionSyntax or PrefixUnaryExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
            ? condition.WithoutTrivia()
            : SyntaxFactory.ParenthesizedExpression(condition.WithoutTrivia());
        return SyntaxFactory.BinaryExpression(SyntaxKind.LogicalAndExpression, left, notCancelled);
    }

    /// <summary>Names of tokens in scope at <paramref name="position"/>: locals and parameters first, then members; tokens before token sources.</summary>
    private static IEnumerable<string> TokenCandidates(SemanticModel model, int position, CancellationToken cancellationToken)
    {
        var tokens = new List<(int Rank, string Name)>();
        foreach (var symbol in model.LookupSymbols(position))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (type, isVariable) = symbol switch
            {
                ILocalSymbol local when DeclaredBefore(local, position) => (local.Type, true),
                IParameterSymbol parameter => (parameter.Type, true),
                IFieldSymbol field => (field.Type, false),
                IPropertySymbol { IsIndexer: false } property => (property.Type, false),
                _ => (null, false),
            };
            var typeName = type?.ToDisplayString();
            var rank = typeName switch
            {
                "System.Threading.CancellationToken" => 0,
                "System.Threading.CancellationTokenSource" => 1,
                _ => -1,
            };
            if (rank >= 0)
            {
                tokens.Add(((isVariable ? 0 : 2) + rank, symbol.Name));
            }
        }

        tokens.Sort((a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : string.CompareOrdinal(a.Name, b.Name));
        foreach (var (_, name) in tokens)
        {
            yield return name;
        }
    }

    private static bool DeclaredBefore(ILocalSymbol local, int position)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.Span.End <= position && reference.GetSyntax() is VariableDeclaratorSyntax { Initializer: not null } or SingleVariableDesignationSyntax)
            {
                return true;
            }
        }

        return false;
    }
}
