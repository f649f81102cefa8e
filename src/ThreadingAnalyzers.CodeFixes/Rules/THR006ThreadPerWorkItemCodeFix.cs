using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using ThreadingAnalyzers.CodeFixes.Infrastructure;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR006: when the loop starts one thread per item and the threads are all joined right after it, rewrite the
/// loop to <c>Parallel.ForEach</c>/<c>Parallel.For</c> and remove the thread list and the start and join loops; when
/// the threads are not kept or joined (an accept loop), queue each item's work on the thread pool with
/// <c>Task.Run</c> or <c>ThreadPool.QueueUserWorkItem</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR006ThreadPerWorkItemCodeFix))]
[Shared]
public sealed partial class THR006ThreadPerWorkItemCodeFix : CodeFixProvider
{
    public const string UseParallelKey = "THR006.UseParallel";
    public const string UseTaskRunKey = "THR006.UseTaskRun";
    public const string UseThreadPoolKey = "THR006.UseThreadPool";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadPerWorkItem);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.AdditionalLocations.Count != 1
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not BaseObjectCreationExpressionSyntax creation
                || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not StatementSyntax loop
                || PerItemThread.Read(creation, loop, model, context.CancellationToken) is not { } thread)
            {
                continue;
            }

            var generator = SyntaxGenerator.GetGenerator(context.Document);
            if (thread.Collection is not null)
            {
                if (ParallelPlan.Create(thread, model, generator, context.CancellationToken) is { } parallel)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            parallel.Title,
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(WithUsing(parallel.Apply(root), model, loop.SpanStart, "System.Threading.Tasks", "Parallel", context.CancellationToken))),
                            UseParallelKey),
                        diagnostic);
                }

                continue;
            }

            if (PoolPlan.Create(thread, model, generator, useTaskRun: true, context.CancellationToken) is { } taskRun)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Run each item's work on the thread pool with Task.Run",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(WithUsing(taskRun.Apply(root), model, loop.SpanStart, "System.Threading.Tasks", "Task", context.CancellationToken))),
                        UseTaskRunKey),
                    diagnostic);
            }

            if (PoolPlan.Create(thread, model, generator, useTaskRun: false, context.CancellationToken) is { } queue)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Queue each item's work with ThreadPool.QueueUserWorkItem",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(WithUsing(queue.Apply(root), model, loop.SpanStart, "System.Threading", "ThreadPool", context.CancellationToken))),
                        UseThreadPoolKey),
                    diagnostic);
            }
        }
    }

    /// <summary>Adds <c>using <paramref name="namespaceName"/>;</c> when <paramref name="typeName"/> does not already bind to that namespace's type at <paramref name="position"/>.</summary>
    private static SyntaxNode WithUsing(SyntaxNode root, SemanticModel model, int position, string namespaceName, string typeName, CancellationToken cancellationToken)
        => UsingDirectives.Import(root, model, position, namespaceName, typeName, cancellationToken);

    private static bool HasDuplicates(IEnumerable<string> names)
    {
        var seen = new HashSet<string>();
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="node"/> mentions <paramref name="symbol"/>.</summary>
    private static bool Mentions(SyntaxNode node, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var identifier in node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText == symbol.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The work a thread runs, as statements to put into another function: a lambda's body, a call of the method
    /// group (with the <c>Start(arg)</c> argument for a parameterized method), or null when it cannot be moved.
    /// </summary>
    private static IReadOnlyList<StatementSyntax>? WorkStatements(ExpressionSyntax startDelegate, ExpressionSyntax? startArgument)
    {
        switch (startDelegate)
        {
            case ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0, AsyncKeyword.RawKind: 0 } lambda when startArgument is null:
                return lambda.Block is { } block
                    ? block.Statements.ToList()
                    : new StatementSyntax[] { SyntaxFactory.ExpressionStatement(((ExpressionSyntax)lambda.Body).WithoutTrivia()) };
            case AnonymousMethodExpressionSyntax { ParameterList: null or { Parameters.Count: 0 }, AsyncKeyword.RawKind: 0 } anonymous when startArgument is null:
                return anonymous.Block.Statements.ToList();
            case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                var arguments = startArgument is null
                    ? SyntaxFactory.ArgumentList()
                    : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(startArgument.WithoutTrivia())));
                return new StatementSyntax[] { SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(startDelegate.WithoutTrivia(), arguments)) };
            default:
                return null;
        }
    }

    /// <summary>The delegate written as the thread's argument, without a <c>new ThreadStart(…)</c> wrapper.</summary>
    private static ExpressionSyntax? StartDelegateSyntax(BaseObjectCreationExpressionSyntax creation)
    {
        if (creation.ArgumentList is not { Arguments.Count: 1 } arguments)
        {
            return null;
        }

        var expression = arguments.Arguments[0].Expression;
        if (expression is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1 } wrapper
            && wrapper.Type.ToString() is "ThreadStart" or "ParameterizedThreadStart" or "System.Threading.ThreadStart" or "System.Threading.ParameterizedThreadStart")
        {
            expression = wrapper.ArgumentList.Arguments[0].Expression;
        }

        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>The statements of a loop body: the block's statements, or the single embedded statement.</summary>
    private static SyntaxList<StatementSyntax> BodyStatements(StatementSyntax body)
        => body is BlockSyntax block ? block.Statements : SyntaxFactory.SingletonList(body);

    private static StatementSyntax? LoopBody(StatementSyntax loop) => loop switch
    {
        ForEachStatementSyntax forEach => forEach.Statement,
        ForStatementSyntax forLoop => forLoop.Statement,
        WhileStatementSyntax whileLoop => whileLoop.Statement,
        DoStatementSyntax doLoop => doLoop.Statement,
        _ => null,
    };

    /// <summary>Thread settings that have no meaning once the work runs on the pool.</summary>
    private static bool IsDroppableSetting(string property) => property is "Name" or "IsBackground";
}
