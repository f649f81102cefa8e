using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.CodeFixes.Rules;

public sealed partial class THR006ThreadPerWorkItemCodeFix
{
    /// <summary>
    /// How the loop body uses the thread it creates: the creation statement, the settings on it, the start, and where
    /// it is collected. Null when the body does anything else with the thread (joins it, passes it on, reads it in the
    /// thread's own code), which no rewrite here handles.
    /// </summary>
    private sealed class PerItemThread
    {
        private PerItemThread(StatementSyntax loop, BaseObjectCreationExpressionSyntax creation, StatementSyntax creationStatement, ExpressionSyntax startDelegate)
        {
            Loop = loop;
            Creation = creation;
            CreationStatement = creationStatement;
            StartDelegate = startDelegate;
        }

        public StatementSyntax Loop { get; }

        public BaseObjectCreationExpressionSyntax Creation { get; }

        public StatementSyntax CreationStatement { get; }

        /// <summary>The lambda, anonymous method or method group the thread runs.</summary>
        public ExpressionSyntax StartDelegate { get; }

        /// <summary>True for a <c>ParameterizedThreadStart</c> thread.</summary>
        public bool Parameterized { get; private set; }

        /// <summary>The local holding the thread (<c>var t = new Thread(…)</c>), or null when it is used inline.</summary>
        public ILocalSymbol? Local { get; private set; }

        public List<StatementSyntax> Settings { get; } = new();

        /// <summary>The statement that starts the thread inside the loop (may be the creation statement itself), or null.</summary>
        public StatementSyntax? StartStatement { get; private set; }

        public ExpressionSyntax? StartArgument { get; private set; }

        /// <summary>The statement that stores the thread in <see cref="Collection"/> (may be the creation statement itself).</summary>
        public StatementSyntax? AddStatement { get; private set; }

        /// <summary>The local list or array the threads are collected into, or null.</summary>
        public ILocalSymbol? Collection { get; private set; }

        public SyntaxList<StatementSyntax> BodyStatements { get; private set; }

        public static PerItemThread? Read(BaseObjectCreationExpressionSyntax creation, StatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        {
            if (LoopBody(loop) is not { } body
                || creation.FirstAncestorOrSelf<StatementSyntax>() is not { } creationStatement
                || StartDelegateSyntax(creation) is not { } startDelegate
                || model.GetSymbolInfo(creation, cancellationToken).Symbol is not IMethodSymbol { Parameters.Length: 1 } constructor)
            {
                return null;
            }

            var statements = BodyStatements(body);
            if (statements.IndexOf(creationStatement) < 0 || !InitializerIsDroppable(creation))
            {
                return null;
            }

            var thread = new PerItemThread(loop, creation, creationStatement, startDelegate)
            {
                BodyStatements = statements,
                Parameterized = constructor.Parameters[0].Type.Name == "ParameterizedThreadStart",
            };

            if (!thread.ReadCreationStatement(model, cancellationToken))
            {
                return null;
            }

            if (thread.Local is { } local)
            {
                if (Mentions(creation, local, model, cancellationToken))
                {
                    return null;
                }

                foreach (var statement in statements)
                {
                    if (statement != creationStatement && Mentions(statement, local, model, cancellationToken)
                        && !thread.ReadUse(statement, local, model, cancellationToken))
                    {
                        return null;
                    }
                }
            }

            return thread;
        }

        /// <summary><c>var t = new Thread(…);</c>, <c>new Thread(…).Start(…);</c>, <c>list.Add(new Thread(…));</c> or <c>threads[i] = new Thread(…);</c>.</summary>
        private bool ReadCreationStatement(SemanticModel model, CancellationToken cancellationToken)
        {
            switch (CreationStatement)
            {
                case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } when variables[0].Initializer?.Value == Creation:
                    Local = model.GetDeclaredSymbol(variables[0], cancellationToken) as ILocalSymbol;
                    return Local is not null;
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start" } access } start }
                    when access.Expression == Creation && start.ArgumentList.Arguments.Count <= 1:
                    StartStatement = CreationStatement;
                    StartArgument = start.ArgumentList.Arguments.Count == 1 ? start.ArgumentList.Arguments[0].Expression : null;
                    return true;
                case ExpressionStatementSyntax statement when CollectionOfStore(statement.Expression, Creation, model, cancellationToken) is { } collection:
                    Collection = collection;
                    AddStatement = CreationStatement;
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>One more statement that uses the thread local: a start, a setting, or a store into a collection.</summary>
        private bool ReadUse(StatementSyntax statement, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
        {
            if (statement is not ExpressionStatementSyntax { Expression: var expression })
            {
                return false;
            }

            switch (expression)
            {
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start", Expression: IdentifierNameSyntax receiver } } start
                    when StartStatement is null && start.ArgumentList.Arguments.Count <= 1 && IsLocal(receiver, local, model, cancellationToken):
                    StartStatement = statement;
                    StartArgument = start.ArgumentList.Arguments.Count == 1 ? start.ArgumentList.Arguments[0].Expression : null;
                    return StartArgument is null || !Mentions(StartArgument, local, model, cancellationToken);
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } property } setting
                    when IsDroppableSetting(property.Name.Identifier.ValueText) && IsLocal(receiver, local, model, cancellationToken)
                        && !Mentions(setting.Right, local, model, cancellationToken):
                    Settings.Add(statement);
                    return true;
                default:
                    if (AddStatement is null && CollectionOfStore(expression, null, model, cancellationToken, local) is { } collection)
                    {
                        Collection = collection;
                        AddStatement = statement;
                        return true;
                    }

                    return false;
            }
        }

        /// <summary>
        /// <c>list.Add(value)</c> or <c>array[i] = value</c> on a local collection, where value is <paramref name="creation"/>
        /// or the local <paramref name="value"/>; returns the collection.
        /// </summary>
        private static ILocalSymbol? CollectionOfStore(ExpressionSyntax expression, SyntaxNode? creation, SemanticModel model, CancellationToken cancellationToken, ILocalSymbol? value = null)
        {
            var (target, stored) = expression switch
            {
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax list }, ArgumentList.Arguments: { Count: 1 } arguments }
                    => (list, arguments[0].Expression),
                AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax array, ArgumentList.Arguments.Count: 1 } } assignment
                    => (array, assignment.Right),
                _ => ((IdentifierNameSyntax?)null, (ExpressionSyntax?)null),
            };
            if (target is null || stored is null)
            {
                return null;
            }

            var matches = creation is not null
                ? stored == creation
                : stored is IdentifierNameSyntax name && value is not null && IsLocal(name, value, model, cancellationToken);
            return matches ? model.GetSymbolInfo(target, cancellationToken).Symbol as ILocalSymbol : null;
        }

        private static bool IsLocal(IdentifierNameSyntax name, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
            => name.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local);

        private static bool InitializerIsDroppable(BaseObjectCreationExpressionSyntax creation)
        {
            if (creation.Initializer is not { } initializer)
            {
                return true;
            }

            foreach (var expression in initializer.Expressions)
            {
                if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax property } || !IsDroppableSetting(property.Identifier.ValueText))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
