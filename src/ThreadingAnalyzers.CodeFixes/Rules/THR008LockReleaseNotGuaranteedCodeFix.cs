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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR008: <c>Monitor.Enter(x); … Monitor.Exit(x);</c> becomes <c>lock (x) { … }</c>; any other acquire/release pair
/// becomes <c>acquire; try { … } finally { release; }</c> (inside the <c>if</c> for <c>if (TryEnter(…)) { … }</c>), and
/// statements between an acquire and an existing <c>try/finally</c> that releases move into the try. Releases on early
/// exits (<c>Monitor.Exit(x); return;</c>) are removed, since the finally (or the lock) now releases.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR008LockReleaseNotGuaranteedCodeFix))]
[Shared]
public sealed class THR008LockReleaseNotGuaranteedCodeFix : CodeFixProvider
{
    public const string UseLockStatementKey = "THR008.UseLockStatement";
    public const string ReleaseInFinallyKey = "THR008.ReleaseInFinally";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockReleaseNotGuaranteed);

    /// <summary>Nested pairs in one method interact, so Fix All applies a document's fixes one after another, innermost first.</summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var title = plan.Mode == FixMode.LockStatement
                ? "Use a lock statement"
                : "Release the lock in a finally block";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root.TrackNodes(plan.Nodes()), plan))),
                    plan.Mode == FixMode.LockStatement ? UseLockStatementKey : ReleaseInFinallyKey),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        if (await DocumentParts.GetAsync(document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return null;
        }

        var plans = new List<FixPlan>();
        foreach (var diagnostic in diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is { } plan
                && (context.CodeActionEquivalenceKey is null || context.CodeActionEquivalenceKey == (plan.Mode == FixMode.LockStatement ? UseLockStatementKey : ReleaseInFinallyKey)))
            {
                plans.Add(plan);
            }
        }

        if (plans.Count == 0)
        {
            return null;
        }

        // Later acquires are nested in (or follow) earlier ones: fixing them first leaves the outer pairs' statements in place.
        plans.Sort((a, b) => b.Acquire.SpanStart.CompareTo(a.Acquire.SpanStart));
        var current = root.TrackNodes(plans.SelectMany(p => p.Nodes()));
        foreach (var plan in plans)
        {
            current = Apply(current, plan);
        }

        return document.WithSyntaxRoot(current);
    }

    private enum FixMode
    {
        /// <summary><c>Monitor.Enter(x); … Monitor.Exit(x);</c> → <c>lock (x) { … }</c>.</summary>
        LockStatement,

        /// <summary><c>acquire; …; release;</c> → <c>acquire; try { … } finally { release; }</c>.</summary>
        TryFinally,

        /// <summary><c>acquire; …; try { … } finally { release; }</c> → the statements move into the try.</summary>
        MoveIntoTry,
    }

    /// <summary>
    /// The statements a fix works on, all in one statement list: the statement holding the acquire (null when the
    /// region starts at the top of an <c>if (TryEnter(…))</c> block), the one holding the release, and the early-exit
    /// releases between them that become redundant.
    /// </summary>
    private sealed class FixPlan
    {
        public FixPlan(FixMode mode, SyntaxNode acquire, SyntaxNode list, StatementSyntax? acquireStatement, StatementSyntax releaseStatement, ExpressionSyntax? lockExpression, IReadOnlyList<StatementSyntax> earlyReleases)
        {
            Mode = mode;
            Acquire = acquire;
            List = list;
            AcquireStatement = acquireStatement;
            ReleaseStatement = releaseStatement;
            LockExpression = lockExpression;
            EarlyReleases = earlyReleases;
        }

        public FixMode Mode { get; }

        public SyntaxNode Acquire { get; }

        /// <summary>The block or switch section whose statements hold the region.</summary>
        public SyntaxNode List { get; }

        public StatementSyntax? AcquireStatement { get; }

        public StatementSyntax ReleaseStatement { get; }

        public ExpressionSyntax? LockExpression { get; }

        public IReadOnlyList<StatementSyntax> EarlyReleases { get; }

        public IEnumerable<SyntaxNode> Nodes()
        {
            yield return List;
            if (AcquireStatement is not null)
            {
                yield return AcquireStatement;
            }

            yield return ReleaseStatement;
            foreach (var early in EarlyReleases)
            {
                yield return early;
            }
        }
    }

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (diagnostic.Properties.ContainsKey(THR008LockReleaseNotGuaranteedAnalyzer.IgnoredResultProperty)
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation
            || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
            || LockFacts.MatchAcquire(operation, WellKnownTypes.Get(model.Compilation)) is not { AcquireCall: not null, LockedValue: not null } acquire)
        {
            return null;
        }

        // Climb from the call to the statement that holds it: await, ConfigureAwait(…), parentheses, a negation.
        SyntaxNode node = invocation;
        var negated = false;
        while (true)
        {
            switch (node.Parent)
            {
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured } access when access.Expression == node:
                    node = configured;
                    continue;
                case AwaitExpressionSyntax or ParenthesizedExpressionSyntax:
                    node = node.Parent;
                    continue;
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.LogicalNotExpression):
                    negated = !negated;
                    node = prefix;
                    continue;
            }

            break;
        }

        SyntaxNode list;
        StatementSyntax? acquireStatement;
        int firstIndex;
        switch (node.Parent)
        {
            case ExpressionStatementSyntax statement when !negated:
                acquireStatement = statement;
                (list, firstIndex) = Siblings(acquireStatement);
                break;
            case IfStatementSyntax { Else: null } ifStatement when ifStatement.Condition == node && negated && acquire.Outcome == AcquireOutcome.ReturnsBool
                && model.AnalyzeControlFlow(ifStatement.Statement) is { Succeeded: true, EndPointIsReachable: false }:
                acquireStatement = ifStatement;
                (list, firstIndex) = Siblings(ifStatement);
                break;
            case IfStatementSyntax { Statement: BlockSyntax thenBlock } ifStatement when ifStatement.Condition == node && !negated && acquire.Outcome == AcquireOutcome.ReturnsBool:
                acquireStatement = null;
                (list, firstIndex) = (thenBlock, 0);
                break;
            default:
                return null;
        }

        if (firstIndex < 0)
        {
            return null;
        }

        var statements = Statements(list);
        var earlyReleases = new List<StatementSyntax>();
        for (var i = firstIndex; i < statements.Count; i++)
        {
            var candidate = statements[i];
            var releases = Releases(candidate, model, acquire, cancellationToken);
            if (releases.Count == 0)
            {
                if (ReacquiresOrAwaitsMonitor(candidate, model, acquire, cancellationToken))
                {
                    return null;
                }

                continue;
            }

            var kind = ReleaseShape(candidate, releases, model, acquire, cancellationToken);
            if (kind is null)
            {
                // Not the closing release: it must be a release right before a return or throw, which the fix drops.
                foreach (var release in releases)
                {
                    if (!IsEarlyExitRelease(release))
                    {
                        return null;
                    }

                    earlyReleases.Add((StatementSyntax)release.Syntax.Parent!);
                }

                continue;
            }

            var between = new List<StatementSyntax>();
            for (var j = firstIndex; j < i; j++)
            {
                between.Add(statements[j]);
            }

            if (between.Count == 0
                || DeclaresLocalsUsedLater(between, statements, i, kind.Value, candidate, model, cancellationToken)
                || ContainsLabel(between))
            {
                return null;
            }

            if (acquire.IsStaticMonitorCall && ContainsAwait(between))
            {
                return null;
            }

            var mode = kind.Value;
            ExpressionSyntax? lockExpression = null;
            if (mode == FixMode.TryFinally && acquireStatement is ExpressionStatementSyntax && candidate is ExpressionStatementSyntax && acquire.IsStaticMonitorCall
                && acquire.Outcome == AcquireOutcome.Always && operation.Arguments.Length == 1
                && acquire.LockedValue.WalkDownConversions() is { Type.IsReferenceType: true } lockObject
                && !WellKnownTypes.Is(lockObject.Type, WellKnownTypes.Get(model.Compilation).Lock)
                && lockObject.Syntax is ExpressionSyntax expression)
            {
                mode = FixMode.LockStatement;
                lockExpression = expression;
            }

            return new FixPlan(mode, invocation, list, acquireStatement, candidate, lockExpression, earlyReleases);
        }

        return null;
    }

    /// <summary>How <paramref name="candidate"/> releases: a release statement, <c>if (taken) release;</c>, or a try whose finally releases.</summary>
    private static FixMode? ReleaseShape(StatementSyntax candidate, List<IInvocationOperation> releases, SemanticModel model, HeldLock acquire, CancellationToken cancellationToken)
    {
        switch (candidate)
        {
            case ExpressionStatementSyntax statement when releases.Count == 1 && releases[0].Syntax == statement.Expression:
                return FixMode.TryFinally;
            case IfStatementSyntax { Else: null, Condition: IdentifierNameSyntax } ifStatement when releases.Count == 1
                && (ifStatement.Statement is ExpressionStatementSyntax single && releases[0].Syntax == single.Expression
                    || ifStatement.Statement is BlockSyntax { Statements.Count: 1 } block && block.Statements[0] is ExpressionStatementSyntax only && releases[0].Syntax == only.Expression):
                return FixMode.TryFinally;
            case TryStatementSyntax { Catches.Count: 0, Finally: { } finallyClause } tryStatement
                when Releases(tryStatement.Block, model, acquire, cancellationToken).Count == 0
                    && Releases(finallyClause.Block, model, acquire, cancellationToken).Count > 0:
                return FixMode.MoveIntoTry;
            default:
                return null;
        }
    }

    private static SyntaxNode Apply(SyntaxNode root, FixPlan plan)
    {
        // Early releases go first: the finally (or the lock) now releases on those exits.
        var early = new List<SyntaxNode>();
        foreach (var release in plan.EarlyReleases)
        {
            if (root.GetCurrentNode(release) is { } current)
            {
                early.Add(current);
            }
        }

        if (early.Count > 0)
        {
            root = root.RemoveNodes(early, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        var list = root.GetCurrentNode(plan.List);
        var releaseStatement = root.GetCurrentNode(plan.ReleaseStatement);
        var acquireStatement = plan.AcquireStatement is null ? null : root.GetCurrentNode(plan.AcquireStatement);
        if (list is null || releaseStatement is null || (plan.AcquireStatement is not null && acquireStatement is null))
        {
            return root;
        }

        var statements = Statements(list);
        var first = acquireStatement is null ? 0 : statements.IndexOf(acquireStatement) + 1;
        var last = statements.IndexOf(releaseStatement);
        if (first <= 0 && acquireStatement is not null || last < first)
        {
            return root;
        }

        var between = new List<StatementSyntax>();
        for (var i = first; i < last; i++)
        {
            between.Add(statements[i]);
        }

        StatementSyntax replacement;
        switch (plan.Mode)
        {
            case FixMode.LockStatement:
                replacement = SyntaxFactory.LockStatement(
                        plan.LockExpression!.WithoutTrivia(),
                        SyntaxFactory.Block(between))
                    .WithTrailingTrivia(releaseStatement.GetTrailingTrivia());
                var leading = acquireStatement!.GetLeadingTrivia();
                replacement = replacement.WithLeadingTrivia(leading).WithAdditionalAnnotations(Formatter.Annotation);
                return ReplaceRange(root, list, first - 1, last, replacement);
            case FixMode.TryFinally:
                replacement = SyntaxFactory.TryStatement(
                        SyntaxFactory.Block(between),
                        default,
                        SyntaxFactory.FinallyClause(SyntaxFactory.Block(releaseStatement)))
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                    .WithTrailingTrivia(releaseStatement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return ReplaceRange(root, list, first, last, replacement);
            default:
                var tryStatement = (TryStatementSyntax)releaseStatement;
                var moved = new List<StatementSyntax>(between);
                moved.AddRange(tryStatement.Block.Statements);
                var movedLeading = between.Count > 0 ? between[0].GetLeadingTrivia() : tryStatement.GetLeadingTrivia();
                replacement = tryStatement
                    .WithBlock(tryStatement.Block.WithStatements(SyntaxFactory.List(moved)))
                    .WithLeadingTrivia(movedLeading)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return ReplaceRange(root, list, first, last, replacement);
        }
    }

    /// <summary>Replaces the statements from <paramref name="from"/> to <paramref name="to"/> (inclusive) of a block or switch section by one.</summary>
    private static SyntaxNode ReplaceRange(SyntaxNode root, SyntaxNode list, int from, int to, StatementSyntax replacement)
    {
        var statements = Statements(list);
        var result = new List<StatementSyntax>();
        for (var i = 0; i < statements.Count; i++)
        {
            if (i == from)
            {
                result.Add(replacement);
            }

            if (i < from || i > to)
            {
                result.Add(statements[i]);
            }
        }

        SyntaxNode newList = list switch
        {
            BlockSyntax block => block.WithStatements(SyntaxFactory.List(result)),
            SwitchSectionSyntax section => section.WithStatements(SyntaxFactory.List(result)),
            _ => list,
        };
        return root.ReplaceNode(list, newList);
    }

    private static (SyntaxNode List, int Index) Siblings(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => (block, block.Statements.IndexOf(statement) + 1),
        SwitchSectionSyntax section => (section, section.Statements.IndexOf(statement) + 1),
        _ => (statement, -1),
    };

    private static SyntaxList<StatementSyntax> Statements(SyntaxNode list) => list switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        _ => default,
    };

    /// <summary>The releases of the acquired lock in <paramref name="node"/>, outside nested functions.</summary>
    private static List<IInvocationOperation> Releases(SyntaxNode node, SemanticModel model, HeldLock acquire, CancellationToken cancellationToken)
    {
        var result = new List<IInvocationOperation>();
        foreach (var invocation in node.DescendantNodesAndSelf(descendIntoChildren: static n => !IsFunction(n)).OfType<InvocationExpressionSyntax>())
        {
            if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name }
                && LockFacts.IsReleaseName(name)
                && model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation
                && LockFacts.IsMatchingRelease(operation, acquire, WellKnownTypes.Get(model.Compilation)))
            {
                result.Add(operation);
            }
        }

        return result;
    }

    /// <summary>True for a release statement directly followed by <c>return</c> or <c>throw</c> in the same block.</summary>
    private static bool IsEarlyExitRelease(IInvocationOperation release)
    {
        if (release.Syntax.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement)
        {
            return false;
        }

        var index = block.Statements.IndexOf(statement);
        return index + 1 < block.Statements.Count && block.Statements[index + 1] is ReturnStatementSyntax or ThrowStatementSyntax;
    }

    /// <summary>A second acquire of the same lock between acquire and release makes the pairing unclear: no fix.</summary>
    private static bool ReacquiresOrAwaitsMonitor(StatementSyntax statement, SemanticModel model, HeldLock acquire, CancellationToken cancellationToken)
    {
        var types = WellKnownTypes.Get(model.Compilation);
        foreach (var invocation in statement.DescendantNodesAndSelf(descendIntoChildren: static n => !IsFunction(n)).OfType<InvocationExpressionSyntax>())
        {
            if (model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation
                && !operation.IsImplicit
                && LockFacts.MatchAcquire(operation, types) is { LockedValue: { } otherObject } other
                && other.ReleaseName == acquire.ReleaseName
                && LockObjects.AreSame(otherObject, acquire.LockedValue!))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when a local declared by the moved statements is used after the region: wrapping them in a block would
    /// put it out of scope. For <see cref="FixMode.MoveIntoTry"/> the finally clause counts as "after".
    /// </summary>
    private static bool DeclaresLocalsUsedLater(List<StatementSyntax> between, SyntaxList<StatementSyntax> statements, int releaseIndex, FixMode mode, StatementSyntax releaseStatement, SemanticModel model, CancellationToken cancellationToken)
    {
        var declared = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var statement in between)
        {
            foreach (var node in statement.DescendantNodesAndSelf(descendIntoChildren: static n => !IsFunction(n)))
            {
                var symbol = node switch
                {
                    VariableDeclaratorSyntax declarator => model.GetDeclaredSymbol(declarator, cancellationToken),
                    SingleVariableDesignationSyntax designation => model.GetDeclaredSymbol(designation, cancellationToken),
                    LocalFunctionStatementSyntax function => model.GetDeclaredSymbol(function, cancellationToken),
                    _ => null,
                };
                if (symbol is not null)
                {
                    declared.Add(symbol);
                }
            }
        }

        if (declared.Count == 0)
        {
            return false;
        }

        var later = new List<SyntaxNode>();
        if (mode == FixMode.MoveIntoTry && releaseStatement is TryStatementSyntax { Finally: { } finallyClause })
        {
            later.Add(finallyClause);
        }
        else if (mode != FixMode.MoveIntoTry)
        {
            later.Add(releaseStatement);
        }

        for (var i = releaseIndex + 1; i < statements.Count; i++)
        {
            later.Add(statements[i]);
        }

        foreach (var node in later)
        {
            foreach (var identifier in node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is { } used && declared.Contains(used))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ContainsLabel(List<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            if (statement.DescendantNodesAndSelf(descendIntoChildren: static n => !IsFunction(n)).OfType<LabeledStatementSyntax>().Any())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Monitor locks are owned by a thread: an await between Enter and Exit can resume elsewhere, and no rewrite makes that right.</summary>
    private static bool ContainsAwait(List<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            foreach (var node in statement.DescendantNodesAndSelf(descendIntoChildren: static n => !IsFunction(n)))
            {
                if (node is AwaitExpressionSyntax
                    || node is CommonForEachStatementSyntax { AwaitKeyword.RawKind: not 0 }
                    || node is UsingStatementSyntax { AwaitKeyword.RawKind: not 0 }
                    || node is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: not 0 })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsFunction(SyntaxNode node) => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;
}
