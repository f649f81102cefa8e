using System;
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
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR005: insert <c>t.Join();</c> before the first read of the thread's results (or before the end of the method),
/// or, for threads started in a loop, collect them in a <c>List&lt;Thread&gt;</c> and join them all after the loop.
/// A thread started inline (<c>new Thread(…).Start()</c>) first gets a local.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR005ThreadNeverJoinedCodeFix))]
[Shared]
public sealed class THR005ThreadNeverJoinedCodeFix : CodeFixProvider
{
    public const string JoinKey = "THR005.Join";
    public const string CollectAndJoinKey = "THR005.CollectAndJoin";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadNeverJoined);

    /// <summary>Several threads of one method are joined before the same statement: all fixes of a document are applied in one pass.</summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, new HashSet<string>(), context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    plan.Title,
                    async cancellationToken =>
                    {
                        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
                        plan.Apply(editor);
                        var changed = editor.GetChangedRoot();
                        return document.WithSyntaxRoot(plan.ListPosition is int position ? WithUsings(changed, model, position, cancellationToken) : changed);
                    },
                    plan.Key),
                diagnostic);
        }
    }

    private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        if (await DocumentParts.GetAsync(document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return null;
        }

        var editor = await DocumentEditor.CreateAsync(document, context.CancellationToken).ConfigureAwait(false);
        var reserved = new HashSet<string>();
        var applied = false;
        int? listPosition = null;
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Plan(root, model, diagnostic, reserved, context.CancellationToken) is { } plan && plan.Key == context.CodeActionEquivalenceKey)
            {
                plan.Apply(editor);
                applied = true;
                listPosition ??= plan.ListPosition;
            }
        }

        if (!applied)
        {
            return document;
        }

        var changed = editor.GetChangedRoot();
        return document.WithSyntaxRoot(listPosition is int position ? WithUsings(changed, model, position, context.CancellationToken) : changed);
    }

    private sealed class FixPlan
    {
        public FixPlan(string title, string key, Action<SyntaxEditor> apply, int? listPosition = null)
        {
            Title = title;
            Key = key;
            Apply = apply;
            ListPosition = listPosition;
        }

        /// <summary>Where the fix writes <c>List&lt;Thread&gt;</c>, so its namespaces can be imported; null when it does not.</summary>
        public int? ListPosition { get; }

        public string Title { get; }

        public string Key { get; }

        public Action<SyntaxEditor> Apply { get; }
    }

    /// <summary>Every precondition is checked here, before anything is offered; <paramref name="reserved"/> holds names other fixes of the same pass took.</summary>
    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, HashSet<string> reserved, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>()
                is not { Expression: MemberAccessExpressionSyntax { Expression: var receiver }, Parent: ExpressionStatementSyntax startStatement }
            || !diagnostic.Properties.TryGetValue(THR005ThreadNeverJoinedAnalyzer.FixProperty, out var fix)
            || !IsInStatementList(startStatement)
            || FixGuards.IsInBrokenMember(startStatement))
        {
            return null;
        }

        SyntaxNode? anchor = null;
        if (diagnostic.AdditionalLocations.Count == 1 && diagnostic.AdditionalLocations[0].SourceTree == root.SyntaxTree)
        {
            anchor = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
        }

        var thread = ThreadLocal.Read(receiver, startStatement, model, reserved, cancellationToken);
        if (thread is null)
        {
            return null;
        }

        return fix == THR005ThreadNeverJoinedAnalyzer.CollectFix
            ? PlanCollect(thread, anchor, model, reserved, cancellationToken)
            : PlanJoin(thread, anchor, model, cancellationToken);
    }

    /// <summary><c>t.Join();</c> before the statement of the early read, or before the member's end.</summary>
    private static FixPlan? PlanJoin(ThreadLocal thread, SyntaxNode? read, SemanticModel model, CancellationToken cancellationToken)
    {
        StatementSyntax? before = null;
        StatementSyntax? after = null;
        if (read is not null)
        {
            before = StatementBeside(read, thread.StartStatement) ?? read.FirstAncestorOrSelf<StatementSyntax>();
            if (before is null || before.Span.Contains(thread.StartStatement.Span) || before.SpanStart < thread.StartStatement.Span.End
                || !IsInStatementList(before) || !IsVisibleAt(thread, before, model))
            {
                return null;
            }
        }
        else if (EndOfMember(thread.StartStatement) is { } end)
        {
            (before, after) = end;
        }
        else
        {
            return null;
        }

        var join = JoinStatement(thread.Name);
        return new FixPlan(
            $"Join '{thread.Name}' before " + (read is not null ? "reading its results" : "returning"),
            JoinKey,
            editor =>
            {
                if (before is not null)
                {
                    InsertBefore(editor, before, join);
                }
                else
                {
                    InsertAfter(editor, after!, join);
                }

                thread.Declare(editor);
            });
    }

    /// <summary>
    /// The statement holding <paramref name="read"/> that sits in the start's own statement list, so the join goes
    /// before a loop that reads the results rather than into its body (where it would run on every pass).
    /// </summary>
    private static StatementSyntax? StatementBeside(SyntaxNode read, StatementSyntax start)
    {
        foreach (var statement in read.AncestorsAndSelf())
        {
            if (statement is StatementSyntax candidate && candidate.Parent == start.Parent)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary><c>var threads = new List&lt;Thread&gt;();</c> before the loop, <c>threads.Add(t);</c> after the start, a join loop after the loop.</summary>
    private static FixPlan? PlanCollect(ThreadLocal thread, SyntaxNode? loopNode, SemanticModel model, HashSet<string> reserved, CancellationToken cancellationToken)
    {
        if (loopNode is not StatementSyntax loop || !IsInStatementList(loop) || !loop.Span.Contains(thread.StartStatement.Span)
            || WellKnownTypes.Get(model.Compilation) is not { List1: not null, Thread: not null })
        {
            return null;
        }

        var member = MemberOf(loop);
        var listName = FreshName(member, reserved, "threads", "startedThreads");
        var itemName = thread.IsInline ? thread.Name : FreshName(member, reserved, "thread", "startedThread");
        var listType = UsingDirectives.NewTypeName("System.Collections.Generic", "List", UsingDirectives.NewTypeName("System.Threading", "Thread"));
        var declaration = SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(listName))
                    .WithInitializer(SyntaxFactory.EqualsValueClause(SyntaxFactory.ObjectCreationExpression(listType).WithArgumentList(SyntaxFactory.ArgumentList()))))));
        var add = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(listName), SyntaxFactory.IdentifierName("Add")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(thread.Name))))));
        var joinAll = SyntaxFactory.ForEachStatement(
            SyntaxFactory.IdentifierName("var"),
            SyntaxFactory.Identifier(itemName),
            SyntaxFactory.IdentifierName(listName),
            SyntaxFactory.Block(JoinStatement(itemName)));

        return new FixPlan(
            "Collect the threads in a list and join them after the loop",
            CollectAndJoinKey,
            editor =>
            {
                InsertBefore(editor, loop, declaration);
                InsertAfter(editor, loop, joinAll);
                if (thread.IsInline)
                {
                    thread.Declare(editor, extra: add);
                }
                else
                {
                    InsertAfter(editor, thread.StartStatement, add);
                }
            },
            loop.SpanStart);
    }

    /// <summary>Imports the namespaces of <c>List&lt;Thread&gt;</c> when a collect fix wrote it and they are not imported yet at <paramref name="position"/>.</summary>
    private static SyntaxNode WithUsings(SyntaxNode root, SemanticModel model, int position, CancellationToken cancellationToken)
    {
        root = UsingDirectives.Import(root, model, position, "System.Collections.Generic", "List", cancellationToken);
        return UsingDirectives.Import(root, model, position, "System.Threading", "Thread", cancellationToken);
    }

    private static ExpressionStatementSyntax JoinStatement(string name)
        => SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(name), SyntaxFactory.IdentifierName("Join"))));

    /// <summary>
    /// Where "before the member's end" is: before a final top-level <c>return</c>, or after the last statement of the
    /// body. Only when the start is a top-level statement of that body and no other <c>return</c> follows it.
    /// </summary>
    private static (StatementSyntax? Before, StatementSyntax? After)? EndOfMember(StatementSyntax start)
    {
        SyntaxList<StatementSyntax> statements;
        SyntaxNode body;
        switch (start.Parent)
        {
            case BlockSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax } block:
                statements = block.Statements;
                body = block;
                break;
            case GlobalStatementSyntax { Parent: CompilationUnitSyntax unit }:
                var globals = new List<StatementSyntax>();
                foreach (var member in unit.Members)
                {
                    if (member is GlobalStatementSyntax global)
                    {
                        globals.Add(global.Statement);
                    }
                }

                statements = SyntaxFactory.List(globals);
                body = unit;
                break;
            default:
                return null;
        }

        var last = statements[statements.Count - 1];
        foreach (var node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is ReturnStatementSyntax returned && returned.SpanStart > start.SpanStart && returned != last)
            {
                return null;
            }
        }

        return last is ReturnStatementSyntax ? (last, null) : (null, last);
    }

    private static bool IsVisibleAt(ThreadLocal thread, StatementSyntax statement, SemanticModel model)
    {
        if (thread.IsInline)
        {
            // The new local is declared in the start's statement list; the read must be in that list's scope.
            return thread.StartStatement.Parent is { } list && list.Span.Contains(statement.Span);
        }

        foreach (var symbol in model.LookupSymbols(statement.SpanStart, name: thread.Name))
        {
            if (SymbolEqualityComparer.Default.Equals(symbol, thread.Local))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInStatementList(StatementSyntax statement)
        => statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax { Parent: CompilationUnitSyntax };

    private static void InsertBefore(SyntaxEditor editor, StatementSyntax anchor, StatementSyntax inserted)
    {
        if (anchor.Parent is GlobalStatementSyntax global)
        {
            editor.InsertBefore(global, TopLevel(inserted, global));
        }
        else
        {
            editor.InsertBefore(anchor, inserted.WithAdditionalAnnotations(Formatter.Annotation));
        }
    }

    private static void InsertAfter(SyntaxEditor editor, StatementSyntax anchor, StatementSyntax inserted)
    {
        if (anchor.Parent is GlobalStatementSyntax global)
        {
            editor.InsertAfter(global, TopLevel(inserted, global));
        }
        else
        {
            editor.InsertAfter(anchor, inserted.WithAdditionalAnnotations(Formatter.Annotation));
        }
    }

    /// <summary>
    /// A top-level statement with fixed trivia: the editor treats global statements as members and the formatter would
    /// put blank lines around elastic ones.
    /// </summary>
    private static GlobalStatementSyntax TopLevel(StatementSyntax statement, SyntaxNode context)
    {
        var endOfLine = SyntaxFactory.CarriageReturnLineFeed;
        foreach (var trivia in context.SyntaxTree.GetRoot().DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                endOfLine = trivia;
                break;
            }
        }

        return SyntaxFactory.GlobalStatement(statement.NormalizeWhitespace().WithLeadingTrivia().WithTrailingTrivia(endOfLine));
    }

    private static SyntaxNode MemberOf(SyntaxNode node)
        => (SyntaxNode?)node.FirstAncestorOrSelf<MemberDeclarationSyntax>(n => n is not GlobalStatementSyntax) ?? node.SyntaxTree.GetRoot();

    /// <summary>
    /// The first candidate (then with a number) that no identifier in <paramref name="scope"/> uses and no other fix of
    /// this pass took in the same scope (<paramref name="reserved"/> holds "scope position:name").
    /// </summary>
    private static string FreshName(SyntaxNode scope, HashSet<string> reserved, params string[] candidates)
    {
        var used = new HashSet<string>();
        foreach (var token in scope.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                used.Add(token.ValueText);
            }
        }

        var prefix = scope.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":";
        for (var suffix = 1; ; suffix++)
        {
            foreach (var candidate in candidates)
            {
                var name = suffix == 1 ? candidate : candidate + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!used.Contains(name) && !reserved.Contains(prefix + name))
                {
                    reserved.Add(prefix + name);
                    return name;
                }
            }
        }
    }

    /// <summary>The thread to join: its local, or, for <c>new Thread(…).Start();</c>, a local this fix introduces.</summary>
    private sealed class ThreadLocal
    {
        private readonly ObjectCreationExpressionSyntax? _inlineCreation;

        private ThreadLocal(StatementSyntax startStatement, string name, ILocalSymbol? local, ObjectCreationExpressionSyntax? inlineCreation)
        {
            StartStatement = startStatement;
            Name = name;
            Local = local;
            _inlineCreation = inlineCreation;
        }

        public StatementSyntax StartStatement { get; }

        public string Name { get; }

        public ILocalSymbol? Local { get; }

        public bool IsInline => _inlineCreation is not null;

        public static ThreadLocal? Read(ExpressionSyntax receiver, StatementSyntax startStatement, SemanticModel model, HashSet<string> reserved, CancellationToken cancellationToken)
        {
            switch (receiver)
            {
                case IdentifierNameSyntax name when model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol local:
                    return new ThreadLocal(startStatement, local.Name, local, inlineCreation: null);
                case ObjectCreationExpressionSyntax creation:
                    return new ThreadLocal(startStatement, FreshName(MemberOf(startStatement), reserved, "thread", "startedThread"), local: null, creation);
                default:
                    return null;
            }
        }

        /// <summary>
        /// For an inline start: <c>var thread = new Thread(…); thread.Start(…);</c> (plus <paramref name="extra"/>) in place of
        /// the statement. Call it after every other edit next to the start statement.
        /// </summary>
        public void Declare(SyntaxEditor editor, StatementSyntax? extra = null)
        {
            if (_inlineCreation is null || StartStatement is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax start })
            {
                return;
            }

            var declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(Name))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(_inlineCreation.WithoutTrivia())))))
                .WithLeadingTrivia(StartStatement.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            var started = SyntaxFactory.ExpressionStatement(
                start.WithExpression(((MemberAccessExpressionSyntax)start.Expression).WithExpression(SyntaxFactory.IdentifierName(Name))))
                .WithTrailingTrivia(StartStatement.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            // Inserts first: the editor cannot insert next to a node it has already replaced.
            if (StartStatement.Parent is GlobalStatementSyntax global)
            {
                editor.InsertBefore(global, TopLevel(declaration, global).WithLeadingTrivia(global.GetLeadingTrivia()));
                if (extra is not null)
                {
                    editor.InsertAfter(global, TopLevel(extra, global));
                }

                editor.ReplaceNode(global, TopLevel(started, global));
                return;
            }

            editor.InsertBefore(StartStatement, declaration);
            if (extra is not null)
            {
                editor.InsertAfter(StartStatement, extra.WithAdditionalAnnotations(Formatter.Annotation));
            }

            editor.ReplaceNode(StartStatement, started);
        }
    }
}
