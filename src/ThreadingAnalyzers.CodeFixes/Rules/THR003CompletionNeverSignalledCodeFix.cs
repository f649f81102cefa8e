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
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR003: a completion or signal reached only on the success path moves into a <c>finally</c> around the work before
/// it; a collection or channel that is never completed is completed in a <c>finally</c> around its one producer's body.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR003CompletionNeverSignalledCodeFix))]
[Shared]
public sealed class THR003CompletionNeverSignalledCodeFix : CodeFixProvider
{
    public const string MoveToFinallyKey = "THR003.MoveToFinally";
    public const string CompleteInFinallyKey = "THR003.CompleteInFinally";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CompletionNeverSignalled);

    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Edit(root, model, diagnostic, cancellationToken) is not { } edit || FinallyWrapping.Apply(new[] { edit }) is not { } block)
            {
                continue;
            }

            var moved = edit.Moved is not null;
            var title = moved
                ? "Move '" + edit.Moved!.ToString().Trim() + "' into a finally block"
                : "Call '" + edit.Added!.ToString().Trim() + "' in a finally block after the producer's work";
            context.RegisterCodeFix(
                CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(edit.Block, block))), moved ? MoveToFinallyKey : CompleteInFinallyKey),
                diagnostic);
        }
    }

    /// <summary>The edit a diagnostic asks for; null when no safe one exists.</summary>
    private static FinallyEdit? Edit(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(THR003CompletionNeverSignalledAnalyzer.ShapeProperty, out var shape))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node is ArgumentSyntax argument)
        {
            node = argument.Expression;
        }

        if (node is not InvocationExpressionSyntax invocation || FixGuards.IsInBrokenMember(invocation))
        {
            return null;
        }

        if (shape == THR003CompletionNeverSignalledAnalyzer.SuccessPathOnly)
        {
            return invocation.Parent is ExpressionStatementSyntax { Parent: BlockSyntax block } statement && THR003CompletionNeverSignalledAnalyzer.IsFunctionBody(block)
                ? new FinallyEdit(block, block.Statements.IndexOf(statement), statement, null)
                : null;
        }

        if (shape != THR003CompletionNeverSignalledAnalyzer.NoCompletion
            || diagnostic.AdditionalLocations.Count != 1
            || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree
            || !diagnostic.Properties.TryGetValue(THR003CompletionNeverSignalledAnalyzer.CompletionProperty, out var completion)
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation consume
            || StorageOf(consume.Instance) is not { } storage)
        {
            return null;
        }

        var function = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
        var body = function switch
        {
            AnonymousFunctionExpressionSyntax { Body: BlockSyntax lambdaBody } => lambdaBody,
            LocalFunctionStatementSyntax { Body: { } localBody } => localBody,
            MethodDeclarationSyntax { Body: { } methodBody } => methodBody,
            _ => null,
        };
        if (body is null || FixGuards.IsInBrokenMember(body) || ProducerReceiver(body, storage, completion == "Writer.Complete", model, cancellationToken) is not { } receiver)
        {
            return null;
        }

        var name = completion == "Writer.Complete" ? "Complete" : "CompleteAdding";
        var added = SyntaxFactory.ExpressionStatement(
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName(name))));
        return new FinallyEdit(body, body.Statements.Count, null, added);
    }

    /// <summary>The collection (or the channel's <c>Writer</c>) as the producer's own adds spell it, so the completion binds the same way.</summary>
    private static ExpressionSyntax? ProducerReceiver(BlockSyntax body, ISymbol storage, bool isChannel, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var node in body.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                || access.Name.Identifier.ValueText is not ("Add" or "TryAdd" or "WriteAsync" or "TryWrite")
                || model.GetOperation(node, cancellationToken) is not IInvocationOperation produce)
            {
                continue;
            }

            var instance = produce.Instance?.WalkDownConversions();
            if (isChannel && instance is IPropertyReferenceOperation { Property.Name: "Writer" } writer && SymbolEqualityComparer.Default.Equals(StorageOf(writer.Instance), storage)
                || !isChannel && SymbolEqualityComparer.Default.Equals(StorageOf(instance), storage))
            {
                return access.Expression;
            }
        }

        return null;
    }

    /// <summary>The storage behind a consumer's receiver: the collection, or the channel behind <c>Reader</c>.</summary>
    private static ISymbol? StorageOf(IOperation? operation)
    {
        var instance = operation?.WalkDownConversions();
        if (instance is IPropertyReferenceOperation { Property.Name: "Reader" or "Writer" } side)
        {
            instance = side.Instance;
        }

        return CollectionUses.StorageOf(instance);
    }

    /// <summary>Fix All: the edits of one block are merged into one <c>try</c>/<c>finally</c>.</summary>
    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey == MoveToFinallyKey
            ? "Move completions and signals into finally blocks"
            : "Complete collections and channels in finally blocks";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
            {
                return null;
            }

            var byBlock = new Dictionary<BlockSyntax, List<FinallyEdit>>();
            foreach (var diagnostic in diagnostics)
            {
                if (Edit(root, model, diagnostic, cancellationToken) is not { } edit
                    || (edit.Moved is not null) != (fixAllContext.CodeActionEquivalenceKey == MoveToFinallyKey))
                {
                    continue;
                }

                if (!byBlock.TryGetValue(edit.Block, out var list))
                {
                    byBlock[edit.Block] = list = new List<FinallyEdit>();
                }

                list.Add(edit);
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var pair in byBlock)
            {
                // Nested blocks (a producer lambda inside another edited body) are left to a second pass.
                var nested = false;
                foreach (var other in byBlock.Keys)
                {
                    nested |= other != pair.Key && other.Span.Contains(pair.Key.Span);
                }

                if (nested)
                {
                    continue;
                }

                var block = FinallyWrapping.Apply(pair.Value) ?? FinallyWrapping.Apply(new[] { pair.Value[0] });
                if (block is not null)
                {
                    replacements[pair.Key] = block;
                }
            }

            return replacements.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
        }
    }
}
