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
    /// Start-all-then-join-all: <c>var threads = new List&lt;Thread&gt;(); foreach (var x in items) { …; threads.Add(t); t.Start(); }
    /// foreach (var t in threads) t.Join();</c> becomes <c>Parallel.ForEach(items, x =&gt; { … });</c>. The list, the
    /// start loop (when the threads are started after the loop) and the join loop go away.
    /// </summary>
    private sealed class ParallelPlan
    {
        private readonly BlockSyntax _block;
        private readonly StatementSyntax _loop;
        private readonly StatementSyntax _replacement;
        private readonly List<StatementSyntax> _removed;

        private ParallelPlan(BlockSyntax block, StatementSyntax loop, StatementSyntax replacement, List<StatementSyntax> removed, string title)
        {
            _block = block;
            _loop = loop;
            _replacement = replacement;
            _removed = removed;
            Title = title;
        }

        public string Title { get; }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var statements = new List<StatementSyntax>();
            foreach (var statement in _block.Statements)
            {
                if (statement == _loop)
                {
                    statements.Add(_replacement);
                }
                else if (!_removed.Contains(statement))
                {
                    statements.Add(statement);
                }
            }

            return root.ReplaceNode(_block, _block.WithStatements(SyntaxFactory.List(statements)));
        }

        public static ParallelPlan? Create(PerItemThread thread, SemanticModel model, SyntaxGenerator generator, CancellationToken cancellationToken)
        {
            if (thread.Collection is not { } collection || thread.AddStatement is null
                || thread.Loop.Parent is not BlockSyntax block
                || WellKnownTypes.Get(model.Compilation).Parallel is not { } parallelType)
            {
                return null;
            }

            // The list: declared in the same block before the loop, used by nothing but the loops this rewrite removes.
            var loopIndex = block.Statements.IndexOf(thread.Loop);
            StatementSyntax? declaration = null;
            for (var i = 0; i < loopIndex; i++)
            {
                if (block.Statements[i] is LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } local
                    && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(variables[0], cancellationToken), collection)
                    && variables[0].Initializer?.Value is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or CollectionExpressionSyntax)
                {
                    declaration = local;
                }
            }

            if (declaration is null)
            {
                return null;
            }

            var removed = new List<StatementSyntax> { declaration };
            var next = loopIndex + 1;
            if (thread.StartStatement is null)
            {
                if (next >= block.Statements.Count || !IsLoopOverAll(block.Statements[next], collection, "Start", model, cancellationToken))
                {
                    return null;
                }

                removed.Add(block.Statements[next++]);
            }

            if (next >= block.Statements.Count || !IsLoopOverAll(block.Statements[next], collection, "Join", model, cancellationToken))
            {
                return null;
            }

            removed.Add(block.Statements[next]);
            if (!OnlyUsedBy(collection, block, removed, thread.AddStatement, model, cancellationToken))
            {
                return null;
            }

            // The loop body: local declarations before the creation (the item's data), then the thread's statements only.
            var prepared = new List<StatementSyntax>();
            var creationIndex = thread.BodyStatements.IndexOf(thread.CreationStatement);
            for (var i = 0; i < thread.BodyStatements.Count; i++)
            {
                var statement = thread.BodyStatements[i];
                if (statement == thread.CreationStatement || statement == thread.StartStatement || statement == thread.AddStatement || thread.Settings.Contains(statement))
                {
                    continue;
                }

                if (i > creationIndex || statement is not LocalDeclarationStatementSyntax)
                {
                    return null;
                }

                prepared.Add(statement);
            }

            if (Mentions(thread.StartDelegate, collection, model, cancellationToken)
                || (thread.Parameterized && thread.StartDelegate is not (IdentifierNameSyntax or MemberAccessExpressionSyntax))
                || WorkStatements(thread.StartDelegate, thread.Parameterized ? thread.StartArgument : null) is not { } work
                || (!thread.Parameterized && thread.StartArgument is not null))
            {
                return null;
            }

            var (head, variable, title) = LoopHead(thread.Loop, model, UsingDirectives.NewTypeName("System.Threading.Tasks", "Parallel"), cancellationToken);
            if (head is null || variable is null)
            {
                return null;
            }

            var bodyStatements = new List<StatementSyntax>(prepared);
            bodyStatements.AddRange(work);
            var names = new List<string> { variable };
            foreach (var statement in bodyStatements)
            {
                DeclaredNames.AddTo(names, statement, includeParameters: true);
            }

            if (HasDuplicates(names))
            {
                return null;
            }

            CSharpSyntaxNode lambdaBody = bodyStatements.Count == 1 && bodyStatements[0] is ExpressionStatementSyntax single && prepared.Count == 0
                ? single.Expression.WithoutTrivia()
                : SyntaxFactory.Block(bodyStatements);
            var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(variable)), lambdaBody);
            var invocation = head.AddArgumentListArguments(SyntaxFactory.Argument(lambda));
            var replacement = SyntaxFactory.ExpressionStatement(invocation)
                .WithLeadingTrivia(thread.Loop.GetLeadingTrivia())
                .WithTrailingTrivia(thread.Loop.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return new ParallelPlan(block, thread.Loop, replacement, removed, title);
        }

        /// <summary>
        /// <c>Parallel.ForEach(items</c> for <c>foreach (var x in items)</c> (element type must match, collection must be
        /// an <c>IEnumerable&lt;T&gt;</c>), <c>Parallel.For(from, to</c> for <c>for (int i = from; i &lt; to; i++)</c>.
        /// </summary>
        private static (InvocationExpressionSyntax? Head, string? Variable, string Title) LoopHead(StatementSyntax loop, SemanticModel model, SyntaxNode parallel, CancellationToken cancellationToken)
        {
            switch (loop)
            {
                case ForEachStatementSyntax { AwaitKeyword.RawKind: 0 } forEach when forEach.Type is not RefTypeSyntax:
                    var info = model.GetForEachStatementInfo(forEach);
                    var collectionType = model.GetTypeInfo(forEach.Expression, cancellationToken).Type;
                    if (info.ElementType is not { } elementType || collectionType is null || !IsEnumerableOf(collectionType, elementType)
                        || (!forEach.Type.IsVar && !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(forEach.Type, cancellationToken).Type, elementType)))
                    {
                        return (null, null, string.Empty);
                    }

                    var forEachHead = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, (ExpressionSyntax)parallel, SyntaxFactory.IdentifierName("ForEach")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(forEach.Expression.WithoutTrivia()))));
                    return (forEachHead, forEach.Identifier.ValueText, "Use Parallel.ForEach");

                case ForStatementSyntax
                {
                    Declaration.Variables: { Count: 1 } variables,
                    Initializers.Count: 0,
                    Condition: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax counter } condition,
                    Incrementors: { Count: 1 } incrementors,
                } forLoop when variables[0].Initializer is { } start && counter.Identifier.ValueText == variables[0].Identifier.ValueText:
                    var variable = variables[0].Identifier.ValueText;
                    if (model.GetDeclaredSymbol(variables[0], cancellationToken) is not ILocalSymbol { Type.SpecialType: SpecialType.System_Int32 } local
                        || model.GetTypeInfo(condition.Right, cancellationToken).Type?.SpecialType != SpecialType.System_Int32
                        || model.GetTypeInfo(start.Value, cancellationToken).Type?.SpecialType != SpecialType.System_Int32
                        || !IsIncrementOf(incrementors[0], variable)
                        || WritesIn(forLoop.Statement, local, model, cancellationToken)
                        || Mentions(condition.Right, local, model, cancellationToken))
                    {
                        return (null, null, string.Empty);
                    }

                    var forHead = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, (ExpressionSyntax)parallel, SyntaxFactory.IdentifierName("For")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                        {
                            SyntaxFactory.Argument(start.Value.WithoutTrivia()),
                            SyntaxFactory.Argument(condition.Right.WithoutTrivia()),
                        })));
                    return (forHead, variable, "Use Parallel.For");

                default:
                    return (null, null, string.Empty);
            }
        }

        private static bool IsEnumerableOf(ITypeSymbol type, ITypeSymbol elementType)
        {
            foreach (var candidate in type.AllInterfaces.Add(type as INamedTypeSymbol ?? type.AllInterfaces[0]))
            {
                if (candidate is { Name: "IEnumerable", TypeArguments.Length: 1 } && candidate.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                    && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], elementType))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsIncrementOf(ExpressionSyntax incrementor, string variable) => incrementor switch
        {
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == variable,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == variable,
            AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression, Left: IdentifierNameSyntax name, Right: LiteralExpressionSyntax { Token.ValueText: "1" } } => name.Identifier.ValueText == variable,
            _ => false,
        };

        private static bool WritesIn(SyntaxNode node, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var identifier in node.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name && WriteFacts.IsWritePosition(identifier)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>foreach (var t in threads) t.Join();</c>, <c>for (var i = 0; i &lt; threads.Count; i++) threads[i].Join();</c>
        /// or <c>threads.ForEach(t =&gt; t.Join());</c> (with <paramref name="method"/> instead of Join), and nothing else.
        /// </summary>
        private static bool IsLoopOverAll(StatementSyntax statement, ILocalSymbol collection, string method, SemanticModel model, CancellationToken cancellationToken)
        {
            switch (statement)
            {
                case ForEachStatementSyntax { Expression: IdentifierNameSyntax source } forEach when IsCollection(source):
                    return SingleCall(forEach.Statement) is { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } access, ArgumentList.Arguments.Count: 0 }
                        && access.Name.Identifier.ValueText == method && receiver.Identifier.ValueText == forEach.Identifier.ValueText;
                case ForStatementSyntax { Declaration.Variables: { Count: 1 } variables, Condition: BinaryExpressionSyntax { Right: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax source } } } forLoop
                    when IsCollection(source):
                    return SingleCall(forLoop.Statement) is
                    {
                        Expression: MemberAccessExpressionSyntax
                        {
                            Expression: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax element, ArgumentList.Arguments: { Count: 1 } index },
                        } elementCall,
                        ArgumentList.Arguments.Count: 0,
                    }
                        && elementCall.Name.Identifier.ValueText == method && IsCollection(element)
                        && index[0].Expression is IdentifierNameSyntax indexName && indexName.Identifier.ValueText == variables[0].Identifier.ValueText;
                case ExpressionStatementSyntax
                {
                    Expression: InvocationExpressionSyntax
                    {
                        Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach", Expression: IdentifierNameSyntax source },
                        ArgumentList.Arguments: { Count: 1 } arguments,
                    },
                } when IsCollection(source):
                    return arguments[0].Expression is SimpleLambdaExpressionSyntax
                    {
                        ExpressionBody: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax lambdaReceiver } lambdaCall, ArgumentList.Arguments.Count: 0 },
                    } lambda
                        && lambdaCall.Name.Identifier.ValueText == method && lambdaReceiver.Identifier.ValueText == lambda.Parameter.Identifier.ValueText;
                default:
                    return false;
            }

            bool IsCollection(IdentifierNameSyntax name)
                => name.Identifier.ValueText == collection.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, collection);
        }

        private static InvocationExpressionSyntax? SingleCall(StatementSyntax body) => body switch
        {
            ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } => invocation,
            BlockSyntax { Statements.Count: 1 } block => SingleCall(block.Statements[0]),
            _ => null,
        };

        /// <summary>True when every mention of the collection in the member is inside one of the statements the rewrite removes or replaces.</summary>
        private static bool OnlyUsedBy(ILocalSymbol collection, BlockSyntax block, List<StatementSyntax> removed, StatementSyntax add, SemanticModel model, CancellationToken cancellationToken)
        {
            var member = block.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)block;
            foreach (var identifier in member.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != collection.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, collection))
                {
                    continue;
                }

                var inside = add.Span.Contains(identifier.Span);
                foreach (var statement in removed)
                {
                    inside |= statement.Span.Contains(identifier.Span);
                }

                if (!inside)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
