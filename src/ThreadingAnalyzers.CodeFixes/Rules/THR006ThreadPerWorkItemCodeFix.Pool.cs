using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.CodeFixes.Rules;

public sealed partial class THR006ThreadPerWorkItemCodeFix
{
    /// <summary>
    /// Threads that are neither kept nor joined (an accept loop): the creation, its settings and the start become one
    /// <c>Task.Run(() =&gt; …)</c> or <c>ThreadPool.QueueUserWorkItem(…)</c> at the place of the start. The work stays in
    /// the loop, so what it captures per iteration is unchanged.
    /// </summary>
    private sealed class PoolPlan
    {
        private readonly PerItemThread _thread;
        private readonly StatementSyntax _replacement;

        private PoolPlan(PerItemThread thread, StatementSyntax replacement)
        {
            _thread = thread;
            _replacement = replacement;
        }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var start = _thread.StartStatement!;
            var replacement = _replacement
                .WithLeadingTrivia(_thread.CreationStatement.GetLeadingTrivia())
                .WithTrailingTrivia(start.GetTrailingTrivia());
            if (start == _thread.CreationStatement || start.Parent is not BlockSyntax block)
            {
                return root.ReplaceNode(start, replacement);
            }

            var statements = new List<StatementSyntax>();
            foreach (var statement in block.Statements)
            {
                if (statement == start)
                {
                    statements.Add(replacement);
                }
                else if (statement != _thread.CreationStatement && !_thread.Settings.Contains(statement))
                {
                    statements.Add(statement);
                }
            }

            return root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements)));
        }

        public static PoolPlan? Create(PerItemThread thread, SemanticModel model, SyntaxGenerator generator, bool useTaskRun, CancellationToken cancellationToken)
        {
            if (thread.Collection is not null || thread.StartStatement is not { } start || !SettingsSitBetween(thread))
            {
                return null;
            }

            var types = WellKnownTypes.Get(model.Compilation);
            ExpressionSyntax? call = useTaskRun
                ? TaskRunCall(thread, model, generator, types, cancellationToken)
                : QueueCall(thread, model, generator, types, cancellationToken);
            if (call is null)
            {
                return null;
            }

            if (useTaskRun && IsInAsyncFunction(start))
            {
                call = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("_"), call);
            }

            return new PoolPlan(thread, SyntaxFactory.ExpressionStatement(call).WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>With a thread local, the statements from the creation to the start must be exactly the creation, the settings and the start.</summary>
        private static bool SettingsSitBetween(PerItemThread thread)
        {
            if (thread.StartStatement == thread.CreationStatement)
            {
                return thread.Settings.Count == 0;
            }

            var from = thread.BodyStatements.IndexOf(thread.CreationStatement);
            var to = thread.BodyStatements.IndexOf(thread.StartStatement!);
            if (from < 0 || to <= from || to - from - 1 != thread.Settings.Count)
            {
                return false;
            }

            for (var i = from + 1; i < to; i++)
            {
                if (!thread.Settings.Contains(thread.BodyStatements[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>Task.Run(() =&gt; …)</c>: a thread lambda as it is, a method group as a call, a parameterized method with its per-item argument.</summary>
        private static InvocationExpressionSyntax? TaskRunCall(PerItemThread thread, SemanticModel model, SyntaxGenerator generator, WellKnownTypes types, CancellationToken cancellationToken)
        {
            if (types.Task is null)
            {
                return null;
            }

            ExpressionSyntax? work = thread.StartDelegate switch
            {
                ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } lambda when !thread.Parameterized => lambda.WithoutTrivia(),
                AnonymousMethodExpressionSyntax { ParameterList: null or { Parameters.Count: 0 } } anonymous when !thread.Parameterized
                    => SyntaxFactory.ParenthesizedLambdaExpression(anonymous.Block.WithoutTrivia()).WithAsyncKeyword(anonymous.AsyncKeyword),
                IdentifierNameSyntax or MemberAccessExpressionSyntax when !thread.Parameterized && thread.StartArgument is null
                    => SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.InvocationExpression(thread.StartDelegate.WithoutTrivia())),
                IdentifierNameSyntax or MemberAccessExpressionSyntax when thread.Parameterized && IsPerItemLocal(thread.StartArgument, thread, model, cancellationToken)
                    => SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.InvocationExpression(
                        thread.StartDelegate.WithoutTrivia(),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(thread.StartArgument!.WithoutTrivia()))))),
                _ => null,
            };
            if (work is null)
            {
                return null;
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, UsingDirectives.NewTypeName("System.Threading.Tasks", "Task"), SyntaxFactory.IdentifierName("Run")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(work))));
        }

        /// <summary><c>ThreadPool.QueueUserWorkItem(…)</c>: a thread lambda gets an unused state parameter; a parameterized thread keeps its callback and argument.</summary>
        private static InvocationExpressionSyntax? QueueCall(PerItemThread thread, SemanticModel model, SyntaxGenerator generator, WellKnownTypes types, CancellationToken cancellationToken)
        {
            if (types.ThreadPool is null)
            {
                return null;
            }

            var arguments = new List<ArgumentSyntax>();
            if (thread.Parameterized)
            {
                if (thread.StartDelegate is not (IdentifierNameSyntax or MemberAccessExpressionSyntax or SimpleLambdaExpressionSyntax
                    or ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } or AnonymousMethodExpressionSyntax { ParameterList.Parameters.Count: 1 }))
                {
                    return null;
                }

                arguments.Add(SyntaxFactory.Argument(thread.StartDelegate.WithoutTrivia()));
                if (thread.StartArgument is not null)
                {
                    arguments.Add(SyntaxFactory.Argument(thread.StartArgument.WithoutTrivia()));
                }
            }
            else
            {
                if (thread.StartArgument is not null)
                {
                    return null;
                }

                var position = thread.StartStatement!.SpanStart;
                ExpressionSyntax? callback = thread.StartDelegate switch
                {
                    ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } lambda when StateName(lambda, model, position) is { } name
                        => SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)), lambda.Body.WithoutTrivia())
                            .WithAsyncKeyword(lambda.AsyncKeyword),
                    AnonymousMethodExpressionSyntax { ParameterList: null } anonymous => anonymous.WithoutTrivia(),
                    AnonymousMethodExpressionSyntax { ParameterList.Parameters.Count: 0 } anonymous when StateName(anonymous, model, position) is { } name
                        => SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)), anonymous.Block.WithoutTrivia())
                            .WithAsyncKeyword(anonymous.AsyncKeyword),
                    IdentifierNameSyntax or MemberAccessExpressionSyntax when StateName(thread.StartDelegate, model, position) is { } name
                        => SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)), SyntaxFactory.InvocationExpression(thread.StartDelegate.WithoutTrivia())),
                    _ => null,
                };
                if (callback is null)
                {
                    return null;
                }

                arguments.Add(SyntaxFactory.Argument(callback));
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, UsingDirectives.NewTypeName("System.Threading", "ThreadPool"), SyntaxFactory.IdentifierName("QueueUserWorkItem")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
        }

        /// <summary>A name for the unused state parameter: <c>_</c>, else <c>state</c>, when the work and the scope do not use it already.</summary>
        private static string? StateName(SyntaxNode work, SemanticModel model, int position)
        {
            foreach (var candidate in new[] { "_", "state" })
            {
                var used = false;
                foreach (var token in work.DescendantTokens())
                {
                    used |= token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == candidate;
                }

                if (!used && model.LookupSymbols(position, name: candidate).IsEmpty)
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>The argument of <c>Start(arg)</c> is a local of this iteration (declared in the loop, or the foreach variable) that nothing reassigns.</summary>
        private static bool IsPerItemLocal(ExpressionSyntax? argument, PerItemThread thread, SemanticModel model, CancellationToken cancellationToken)
        {
            if (argument is not IdentifierNameSyntax name
                || model.GetSymbolInfo(name, cancellationToken).Symbol is not ILocalSymbol local
                || local.DeclaringSyntaxReferences.Length != 1
                || !thread.Loop.Span.Contains(local.DeclaringSyntaxReferences[0].Span))
            {
                return false;
            }

            foreach (var identifier in thread.Loop.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name && WriteFacts.IsWritePosition(identifier)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsInAsyncFunction(SyntaxNode node)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax function:
                        return !function.AsyncKeyword.IsKind(SyntaxKind.None);
                    case LocalFunctionStatementSyntax localFunction:
                        return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case MethodDeclarationSyntax method:
                        return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }
    }
}
