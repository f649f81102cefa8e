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
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR002, for a <c>BlockingCollection</c>: the loop that gives up on an empty collection (or the endless loop that
/// polls <c>TryTake</c>) becomes <c>foreach (var item in collection.GetConsumingEnumerable())</c> around the rest of
/// its body; the spin on <c>TryTake(out item)</c> becomes <c>item = collection.Take();</c>. For a
/// <c>ConcurrentQueue</c>/<c>ConcurrentStack</c>/<c>ConcurrentBag</c>, see <see cref="BlockingCollectionConversion"/>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR002PollingConsumerCodeFix))]
[Shared]
public sealed class THR002PollingConsumerCodeFix : CodeFixProvider
{
    public const string ConsumingEnumerableKey = "THR002.UseGetConsumingEnumerable";
    public const string TakeKey = "THR002.UseTake";
    public const string BlockingCollectionKey = "THR002.UseBlockingCollection";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.PollingConsumer);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
            if (!diagnostic.Properties.TryGetValue(THR002PollingConsumerAnalyzer.CollectionProperty, out var collection))
            {
                continue;
            }

            var condition = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var loop = condition.FirstAncestorOrSelf<StatementSyntax>(static s => s is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or IfStatementSyntax);
            if (loop is IfStatementSyntax { Parent: BlockSyntax { Parent: StatementSyntax enclosing } } && enclosing is WhileStatementSyntax or ForStatementSyntax)
            {
                loop = enclosing;
            }

            if (loop is null || FixGuards.IsInBrokenMember(loop) || PollingShape.FromSyntax(loop) is not { } shape)
            {
                continue;
            }

            if (collection == "BlockingCollection")
            {
                if (shape.Kind is PollingKind.EmptyLoop or PollingKind.Poll && PlanLoop(shape, model, blocking: true, cancellationToken) is { } plan)
                {
                    var replacement = BuildLoop((WhileStatementSyntax)shape.Statement, plan, shape.Collection);
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Consume '" + shape.Collection + "' with GetConsumingEnumerable()",
                            _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(shape.Statement, replacement))),
                            ConsumingEnumerableKey),
                        diagnostic);
                }
                else if (shape.Kind == PollingKind.Spin && BlockingTake(shape, model, cancellationToken) is { } take)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Block in '" + shape.Collection + ".Take()'",
                            _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(shape.Statement, take))),
                            TakeKey),
                        diagnostic);
                }
            }
            else if (collection is "ConcurrentQueue" or "ConcurrentStack" or "ConcurrentBag"
                && shape.Kind is PollingKind.EmptyLoop or PollingKind.Poll
                && PlanLoop(shape, model, blocking: false, cancellationToken) is { } plan
                && BlockingCollectionConversion.Apply(root, model, shape, plan, cancellationToken) is { } converted)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Make '" + shape.Collection + "' a BlockingCollection and consume it with GetConsumingEnumerable()",
                        _ => Task.FromResult(document.WithSyntaxRoot(converted)),
                        BlockingCollectionKey),
                    diagnostic);
            }
        }
    }

    /// <summary>How the first statement of a loop body takes the item: its type and name, and whether the body is <c>if (take) rest</c>.</summary>
    internal sealed class LoopPlan
    {
        public LoopPlan(TypeSyntax type, SyntaxToken identifier, bool unwrapIf)
        {
            Type = type;
            Identifier = identifier;
            UnwrapIf = unwrapIf;
        }

        public TypeSyntax Type { get; }

        public SyntaxToken Identifier { get; }

        public bool UnwrapIf { get; }
    }

    /// <summary>
    /// For <c>while (q.Count &gt; 0) { var item = q.Take(); rest }</c> (or <c>q.TryTake(out var item);</c> first, or a body
    /// that is only <c>if (q.TryTake(out var item)) rest</c>; <c>TryDequeue</c>/<c>TryPop</c> for the other collections),
    /// what the <c>foreach (var item in q.GetConsumingEnumerable()) { rest }</c> needs; null when the loop has another shape.
    /// </summary>
    private static LoopPlan? PlanLoop(PollingShape shape, SemanticModel model, bool blocking, CancellationToken cancellationToken)
    {
        // A polling loop becomes a foreach only when nothing but the collection ends it: while (true).
        if (shape.Statement is not WhileStatementSyntax loop
            || shape.Kind == PollingKind.Poll && !loop.Condition.IsKind(SyntaxKind.TrueLiteralExpression))
        {
            return null;
        }

        var statements = loop.Statement is BlockSyntax block ? block.Statements : SyntaxFactory.SingletonList(loop.Statement);
        if (statements.Count == 0)
        {
            return null;
        }

        TypeSyntax type;
        SyntaxToken identifier;
        SyntaxNode declarator;
        StatementSyntax? rest = null;
        switch (statements[0])
        {
            case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false, Declaration: { Variables: { Count: 1 } variables } declaration }
                when blocking && variables[0].Initializer?.Value is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } take && IsTakeOn(take, "Take", shape, model, cancellationToken):
                type = declaration.Type;
                identifier = variables[0].Identifier;
                declarator = variables[0];
                break;
            case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax take } when OutDeclaration(take, shape, model, cancellationToken) is { } declared:
                (type, declarator) = declared;
                identifier = declared.Designation.Identifier;
                break;
            case IfStatementSyntax { Condition: InvocationExpressionSyntax take } single
                when statements.Count == 1 && (single.Else is null || shape.Kind == PollingKind.Poll) && OutDeclaration(take, shape, model, cancellationToken) is { } declared:
                (type, declarator) = declared;
                identifier = declared.Designation.Identifier;
                rest = single.Statement;
                break;
            default:
                return null;
        }

        if (model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol variable)
        {
            return null;
        }

        // The iteration variable is read-only: no fix when the body writes it.
        var body = rest is not null ? new List<StatementSyntax> { rest } : new List<StatementSyntax>(statements).GetRange(1, statements.Count - 1);
        if (body.Count > 0)
        {
            var flow = model.AnalyzeDataFlow(body[0], body[body.Count - 1]);
            if (flow is null || !flow.Succeeded || flow.WrittenInside.Contains(variable))
            {
                return null;
            }
        }

        return new LoopPlan(type, identifier, rest is not null);
    }

    /// <summary>The <c>foreach</c> over <c>GetConsumingEnumerable()</c> that replaces <paramref name="loop"/> (possibly already edited inside).</summary>
    internal static StatementSyntax BuildLoop(WhileStatementSyntax loop, LoopPlan plan, ExpressionSyntax collection)
    {
        StatementSyntax newBody;
        if (plan.UnwrapIf)
        {
            var statement = loop.Statement is BlockSyntax block ? block.Statements[0] : loop.Statement;
            newBody = ((IfStatementSyntax)statement).Statement;
        }
        else if (loop.Statement is BlockSyntax original)
        {
            newBody = original.WithStatements(original.Statements.RemoveAt(0));
        }
        else
        {
            newBody = SyntaxFactory.Block();
        }

        var consuming = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, collection.WithoutTrivia(), SyntaxFactory.IdentifierName("GetConsumingEnumerable")));
        return SyntaxFactory.ForEachStatement(plan.Type.WithoutTrivia(), plan.Identifier.WithoutTrivia(), consuming, newBody)
            .WithTriviaFrom(loop)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary><c>while (!q.TryTake(out item)) …;</c> (or the <c>if (q.TryTake(out item)) break;</c> form) as <c>item = q.Take();</c>.</summary>
    private static ExpressionStatementSyntax? BlockingTake(PollingShape shape, SemanticModel model, CancellationToken cancellationToken)
    {
        if (shape.Take is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } take
            || arguments[0] is not { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword, Expression: IdentifierNameSyntax target }
            || !IsTakeOn(take, "TryTake", shape, model, cancellationToken)
            || shape.Statement is WhileStatementSyntax { Condition: LiteralExpressionSyntax } && !ExitsWithBreak(shape)
            || model.GetSymbolInfo(target, cancellationToken).Symbol is not (ILocalSymbol or IFieldSymbol or IParameterSymbol { RefKind: RefKind.None or RefKind.Ref or RefKind.Out }))
        {
            return null;
        }

        var call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, shape.Collection.WithoutTrivia(), SyntaxFactory.IdentifierName("Take")));
        return SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target.WithoutTrivia(), call))
            .WithTriviaFrom(shape.Statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static bool ExitsWithBreak(PollingShape shape)
    {
        foreach (var node in shape.Body.DescendantNodes())
        {
            if (node is IfStatementSyntax ifStatement && ifStatement.Condition == shape.Condition
                && (ifStatement.Statement is BreakStatementSyntax || ifStatement.Statement is BlockSyntax { Statements.Count: 1 } single && single.Statements[0] is BreakStatementSyntax))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The type and name of <c>out var item</c> / <c>out T item</c> in <c>q.TryTake(…)</c>, the take of the loop's collection.</summary>
    private static (TypeSyntax Type, SingleVariableDesignationSyntax Designation)? OutDeclaration(InvocationExpressionSyntax take, PollingShape shape, SemanticModel model, CancellationToken cancellationToken)
        => take.ArgumentList.Arguments.Count == 1
            && take.ArgumentList.Arguments[0] is { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword, Expression: DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax designation } declaration }
            && IsTakeOn(take, "TryTake", shape, model, cancellationToken)
            ? (declaration.Type, designation)
            : null;

    /// <summary>
    /// True when <paramref name="take"/> calls <paramref name="name"/> on the collection the diagnostic is about; for
    /// "TryTake", the non-blocking take of the concurrent collections (<c>TryDequeue</c>, <c>TryPop</c>) counts too.
    /// </summary>
    private static bool IsTakeOn(InvocationExpressionSyntax take, string name, PollingShape shape, SemanticModel model, CancellationToken cancellationToken)
    {
        if (take.Expression is not MemberAccessExpressionSyntax access || !SyntaxFactory.AreEquivalent(access.Expression, shape.Collection)
            || model.GetOperation(take, cancellationToken) is not IInvocationOperation { TargetMethod: var method })
        {
            return false;
        }

        var types = WellKnownTypes.Get(model.Compilation);
        var actual = access.Name.Identifier.ValueText;
        return WellKnownTypes.Is(method.ContainingType, types.BlockingCollection1)
            ? actual == name
            : name == "TryTake" && (actual == "TryDequeue" && WellKnownTypes.Is(method.ContainingType, types.ConcurrentQueue1)
                || actual == "TryPop" && WellKnownTypes.Is(method.ContainingType, types.ConcurrentStack1)
                || actual == "TryTake" && WellKnownTypes.Is(method.ContainingType, types.ConcurrentBag1));
    }
}
