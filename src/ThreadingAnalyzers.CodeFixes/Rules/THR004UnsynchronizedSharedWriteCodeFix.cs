using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR004: turn <c>x++</c>/<c>x--</c>/<c>x += n</c>/<c>x -= n</c> on an <c>int</c>/<c>long</c> into the matching
/// <c>Interlocked</c> call (keeping the value a used expression had), or put the write and the other unprotected
/// accesses of the same storage under one lock.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR004UnsynchronizedSharedWriteCodeFix))]
[Shared]
public sealed class THR004UnsynchronizedSharedWriteCodeFix : CodeFixProvider
{
    public const string InterlockedKey = "THR004.UseInterlocked";
    public const string LockKey = "THR004.WrapInLock";

    private const string ThreadingNamespace = "System.Threading";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedSharedWrite);

    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (FixGuards.IsInBrokenMember(node))
            {
                continue;
            }

            if (InterlockedReplacement(node, model, context.CancellationToken) is { } replacement)
            {
                var name = node.IsKind(SyntaxKind.PostIncrementExpression) || node.IsKind(SyntaxKind.PreIncrementExpression) ? "Increment"
                    : node.IsKind(SyntaxKind.PostDecrementExpression) || node.IsKind(SyntaxKind.PreDecrementExpression) ? "Decrement"
                    : "Add";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Interlocked." + name,
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(WithInterlockedImport(root.ReplaceNode(node, replacement), model, node.SpanStart, context.CancellationToken))),
                        InterlockedKey),
                    diagnostic);
            }

            if (LockPlan(root, model, node, diagnostic, context.CancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Protect '" + plan.Storage.Name + "' with lock (" + plan.LockName + ")",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(LockWrapping.Apply(root, new[] { plan }))),
                        LockKey),
                    diagnostic);
            }
        }
    }

    internal static LockWrapping.Plan? LockPlan(SyntaxNode root, SemanticModel model, SyntaxNode node, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixGuards.IsInBrokenMember(node))
        {
            return null;
        }

        var target = WrittenExpression(node);
        if (target is null || model.GetSymbolInfo(target, cancellationToken).Symbol is not { } storage)
        {
            return null;
        }

        diagnostic.Properties.TryGetValue(THR004UnsynchronizedSharedWriteAnalyzer.LockedWithProperty, out var lockedWith);
        return LockWrapping.Create(root, model, node, storage, lockedWith, cancellationToken);
    }

    private static ExpressionSyntax? WrittenExpression(SyntaxNode node) => node switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left,
        PostfixUnaryExpressionSyntax postfix => postfix.Operand,
        PrefixUnaryExpressionSyntax prefix => prefix.Operand,
        ArgumentSyntax argument => argument.Expression,
        _ => null,
    };

    /// <summary>The Interlocked call that replaces <paramref name="node"/>, or null when the shape is not one the fix proves safe.</summary>
    internal static ExpressionSyntax? InterlockedReplacement(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var (target, method, amount, adjust) = node switch
        {
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression } post => (post.Operand, "Increment", (ExpressionSyntax?)null, -1),
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostDecrementExpression } post => (post.Operand, "Decrement", null, 1),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression } pre => (pre.Operand, "Increment", null, 0),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreDecrementExpression } pre => (pre.Operand, "Decrement", null, 0),
            AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } add => (add.Left, "Add", add.Right, 0),
            AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SubtractAssignmentExpression } subtract => (subtract.Left, "Add", Negate(subtract.Right), 0),
            _ => ((ExpressionSyntax?)null, (string?)null, (ExpressionSyntax?)null, 0),
        };
        if (target is null || method is null || IsInCheckedContext(node))
        {
            return null;
        }

        var symbol = model.GetSymbolInfo(target, cancellationToken).Symbol;
        var type = symbol switch
        {
            IFieldSymbol { IsVolatile: false, IsReadOnly: false, IsConst: false } field => field.Type,
            ILocalSymbol { IsConst: false, RefKind: RefKind.None } local => local.Type,
            IParameterSymbol { RefKind: RefKind.None or RefKind.Ref or RefKind.Out } parameter => parameter.Type,
            _ => null,
        };
        if (type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
        {
            return null;
        }

        if (target is MemberAccessExpressionSyntax { Expression: var receiver } && receiver is not (ThisExpressionSyntax or BaseExpressionSyntax)
            && model.GetTypeInfo(receiver, cancellationToken).Type is not { IsReferenceType: true } && symbol is IFieldSymbol { IsStatic: false })
        {
            return null;
        }

        var amountSource = node is AssignmentExpressionSyntax compound ? compound.Right : null;
        if (amountSource is not null && MentionsSymbol(amountSource, symbol!, model, cancellationToken))
        {
            return null;
        }

        var interlocked = WellKnownTypes.Get(model.Compilation).Interlocked;
        if (interlocked is null)
        {
            return null;
        }

        var typeExpression = UsingDirectives.NewTypeName(ThreadingNamespace, "Interlocked");
        var arguments = new List<ArgumentSyntax>
        {
            SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), target.WithoutTrivia()),
        };
        if (amount is not null)
        {
            arguments.Add(SyntaxFactory.Argument(amount.WithoutTrivia()));
        }

        ExpressionSyntax call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, typeExpression, SyntaxFactory.IdentifierName(method)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
        if (adjust != 0 && IsValueUsed(node, model, cancellationToken))
        {
            call = SyntaxFactory.ParenthesizedExpression(SyntaxFactory.BinaryExpression(
                adjust < 0 ? SyntaxKind.SubtractExpression : SyntaxKind.AddExpression,
                call,
                SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1))))
                .WithAdditionalAnnotations(Simplifier.Annotation);
        }

        return call.WithTriviaFrom(node).WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static SyntaxNode WithInterlockedImport(SyntaxNode root, SemanticModel model, int position, CancellationToken cancellationToken)
        => UsingDirectives.Import(root, model, position, ThreadingNamespace, "Interlocked", cancellationToken);

    private static PrefixUnaryExpressionSyntax Negate(ExpressionSyntax value)
    {
        var clean = value.WithoutTrivia();
        if (clean is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression })
        {
            return SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, clean);
        }

        return SyntaxFactory.PrefixUnaryExpression(
            SyntaxKind.UnaryMinusExpression,
            clean is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
                ? clean
                : SyntaxFactory.ParenthesizedExpression(clean));
    }

    private static bool IsValueUsed(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var parent = node.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case ExpressionStatementSyntax:
                return false;
            case ForStatementSyntax forStatement when forStatement.Incrementors.Contains((ExpressionSyntax)node):
                return false;
            case AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == node:
                return model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol { ReturnsVoid: true };
            case ArrowExpressionClauseSyntax arrow:
                return model.GetDeclaredSymbol(arrow.Parent!, cancellationToken) is not IMethodSymbol { ReturnsVoid: true };
            default:
                return true;
        }
    }

    private static bool IsInCheckedContext(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case CheckedExpressionSyntax expression:
                    return expression.IsKind(SyntaxKind.CheckedExpression);
                case CheckedStatementSyntax statement:
                    return statement.IsKind(SyntaxKind.CheckedStatement);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static bool MentionsSymbol(SyntaxNode expression, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var identifier in expression.DescendantNodesAndSelf())
        {
            if (identifier is IdentifierNameSyntax name && name.Identifier.ValueText == symbol.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Applies every fix of one equivalence key in a document in one pass (lock plans share one lock object per type).</summary>
    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey == LockKey
            ? "Protect shared writes with locks"
            : "Use Interlocked for shared counters";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
            {
                return null;
            }

            if (fixAllContext.CodeActionEquivalenceKey == InterlockedKey)
            {
                var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
                foreach (var diagnostic in diagnostics)
                {
                    var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                    if (FixGuards.IsInBrokenMember(node))
                    {
                        continue;
                    }

                    if (InterlockedReplacement(node, model, cancellationToken) is { } replacement)
                    {
                        replacements[node] = replacement;
                    }
                }

                if (replacements.Count == 0)
                {
                    return document;
                }

                var position = replacements.Keys.First().SpanStart;
                return document.WithSyntaxRoot(WithInterlockedImport(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]), model, position, cancellationToken));
            }

            var plans = new List<LockWrapping.Plan>();
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var diagnostic in diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (LockPlan(root, model, node, diagnostic, cancellationToken) is { } plan && seen.Add(plan.Storage))
                {
                    plans.Add(plan);
                }
            }

            return plans.Count == 0 ? document : document.WithSyntaxRoot(LockWrapping.Apply(root, plans));
        }
    }
}
