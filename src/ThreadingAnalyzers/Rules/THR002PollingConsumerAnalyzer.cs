using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR002: a consumer of a concurrent collection that another thread is still adding to, which either gives up as
/// soon as the collection looks empty (<c>while (!q.IsEmpty) { q.TryDequeue(out var x); … }</c>, a one-shot
/// <c>if (q.Count &gt; 0)</c> at the top of a thread) or spins on a non-blocking take
/// (<c>while (!q.TryDequeue(out item)) Thread.Sleep(1);</c>).
/// </summary>
/// <remarks>
/// Triggered on loops and <c>if</c> statements whose condition reads <c>IsEmpty</c>/<c>Count</c>/<c>Any()</c>
/// or calls a <c>Try…</c> take; only those are analysed further. The collection must be a <c>ConcurrentQueue</c>, <c>ConcurrentStack</c>,
/// <c>ConcurrentBag</c>, <c>BlockingCollection</c> (or another <c>IProducerConsumerCollection</c>) kept in a private
/// field or a local, and the concurrency model must show an add on another thread that may run while the consumer does.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR002PollingConsumerAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "EmptyLoop", "EmptyCheck", "Spin" or "Poll".</summary>
    public const string ShapeProperty = "Shape";

    /// <summary>Diagnostic property: "BlockingCollection", "ConcurrentQueue", "ConcurrentStack", "ConcurrentBag" or "Other".</summary>
    public const string CollectionProperty = "Collection";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR002PollingConsumer);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (!ThreadingMentions.MayUseThreading(start.Compilation, start.CancellationToken))
            {
                return;
            }

            var types = WellKnownTypes.Get(start.Compilation);
            var gate = new TypeGate(types, static t => t.IProducerConsumerCollection1 is not null || t.BlockingCollection1 is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterForWholeCompilation(start, 
                gate.Guard(context => Analyze(context, model)),
                SyntaxKind.WhileStatement,
                SyntaxKind.DoStatement,
                SyntaxKind.ForStatement,
                SyntaxKind.IfStatement);
        });
    }

    private static void Analyze(SyntaxTrigger context, ConcurrencyModel model)
    {
        var shape = PollingShape.FromSyntax(context.Node);
        if (shape is null)
        {
            return;
        }

        // The collection's type is cheaper to read than the concurrency model: check it first.
        var cancellationToken = context.CancellationToken;
        var semanticModel = context.SemanticModel;
        if (semanticModel.GetOperation(shape.Collection, cancellationToken) is not { } collection
            || CollectionUses.StorageOf(collection) is not { } storage
            || CollectionKind(collection.Type, model.Types) is not { } kind
            || context.KeepForCompilationEnd()
            || !CollectionUses.MayBeConcurrent(model, context.Node, cancellationToken)
            || semanticModel.GetOperation(shape.Statement, cancellationToken) is not { } statement)
        {
            return;
        }

        string? waits = null;
        if (shape.Kind is PollingKind.Spin or PollingKind.Poll)
        {
            // The take must be the non-blocking one: TryDequeue(out x), TryPop(out x), TryTake(out x) with no timeout or token.
            if (shape.Take is null || semanticModel.GetOperation(shape.Take, cancellationToken) is not IInvocationOperation take
                || take.TargetMethod.Name is not ("TryDequeue" or "TryTake" or "TryPop") || take.Arguments.Length != 1
                || CollectionUses.StorageOf(take.Instance) is not { } takeStorage || !SymbolEqualityComparer.Default.Equals(takeStorage, storage))
            {
                return;
            }

            waits = BusyWaitShape.DescribeWaits(shape.WaitStatements, semanticModel, model.Types, cancellationToken);
            if (waits is null)
            {
                return;
            }
        }
        else if (!IsEmptinessTest(semanticModel.GetOperation(shape.Condition, cancellationToken), storage, model.Types)
            || !TakesFrom(semanticModel, shape.Body, storage, cancellationToken))
        {
            return;
        }

        var entries = model.GetEntries(statement, cancellationToken);
        foreach (var entry in entries)
        {
            // A timer callback that empties the queue on each tick is a periodic flush, not a consumer that quits.
            if (entry.Region.Kind == RegionKind.Timer)
            {
                return;
            }
        }

        if (shape.Kind is PollingKind.EmptyCheck or PollingKind.EmptyLoop && !IsWholeConsumer(statement, entries, shape.Kind == PollingKind.EmptyCheck))
        {
            return;
        }

        var uses = CollectionUses.Get(model, storage, cancellationToken);
        if (uses is null)
        {
            return;
        }

        string? producer = null;
        foreach (var use in uses)
        {
            if (use.Kind == CollectionUseKind.Produce && use.Call is { } call
                && CollectionUses.RunsConcurrently(model, collection, call, cancellationToken) is { } who)
            {
                producer = who;
                break;
            }
        }

        if (producer is null)
        {
            return;
        }

        var what = shape.Kind switch
        {
            PollingKind.EmptyLoop => "This loop gives up on an empty",
            PollingKind.EmptyCheck => "This check gives up on an empty",
            _ => "This loop spins on " + ((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)shape.Take!).Expression).Name.Identifier.ValueText + " of",
        };
        var consequence = shape.Kind is PollingKind.Spin or PollingKind.Poll
            ? waits != "spins" ? "it " + waits + " between polls, wasting CPU and reacting late"
                : shape.Kind == PollingKind.Poll ? "it burns a core whenever the collection is empty" : "it burns a core until an item arrives"
            : "items added after that are never processed";
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(ShapeProperty, shape.Kind.ToString())
            .Add(CollectionProperty, kind);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR002PollingConsumer, shape.Condition.GetLocation(), properties, what, storage.Name, producer, consequence));
    }

    /// <summary>"BlockingCollection", "ConcurrentQueue"… for the concurrent collections; null for anything else.</summary>
    private static string? CollectionKind(ITypeSymbol? type, WellKnownTypes types)
    {
        if (type is null)
        {
            return null;
        }

        if (WellKnownTypes.Is(type, types.BlockingCollection1))
        {
            return "BlockingCollection";
        }

        if (WellKnownTypes.Is(type, types.ConcurrentQueue1))
        {
            return "ConcurrentQueue";
        }

        if (WellKnownTypes.Is(type, types.ConcurrentStack1))
        {
            return "ConcurrentStack";
        }

        if (WellKnownTypes.Is(type, types.ConcurrentBag1))
        {
            return "ConcurrentBag";
        }

        if (WellKnownTypes.Is(type, types.IProducerConsumerCollection1))
        {
            return "Other";
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (WellKnownTypes.Is(implemented, types.IProducerConsumerCollection1))
            {
                return "Other";
            }
        }

        return null;
    }

    /// <summary>True for <c>!q.IsEmpty</c>, <c>q.Count &gt; 0</c>, <c>q.Count != 0</c>, <c>0 &lt; q.Count</c>, <c>q.Count &gt;= 1</c>, <c>q.Any()</c> on <paramref name="storage"/>.</summary>
    internal static bool IsEmptinessTest(IOperation? condition, ISymbol storage, WellKnownTypes types)
    {
        switch (condition?.WalkDownConversions())
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: IPropertyReferenceOperation { Property.Name: "IsEmpty" } isEmpty }:
                return Is(isEmpty.Instance, storage);
            case IInvocationOperation { TargetMethod.Name: "Any", Arguments.Length: 1 } any when WellKnownTypes.Is(any.TargetMethod.ContainingType, types.Enumerable):
                return Is(any.Arguments[0].Value, storage);
            case IBinaryOperation binary:
                var (count, constant, countOnLeft) = binary.LeftOperand.WalkDownConversions() is IPropertyReferenceOperation { Property.Name: "Count" } left
                    ? (left, binary.RightOperand, true)
                    : binary.RightOperand.WalkDownConversions() is IPropertyReferenceOperation { Property.Name: "Count" } right
                        ? (right, binary.LeftOperand, false)
                        : default;
                if (count is null || !Is(count.Instance, storage) || constant.ConstantValue is not { HasValue: true, Value: int value })
                {
                    return false;
                }

                var kind = binary.OperatorKind;
                if (!countOnLeft)
                {
                    kind = kind switch
                    {
                        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                        _ => kind,
                    };
                }

                return kind == BinaryOperatorKind.GreaterThan && value == 0
                    || kind == BinaryOperatorKind.NotEquals && value == 0
                    || kind == BinaryOperatorKind.GreaterThanOrEqual && value == 1;
            default:
                return false;
        }
    }

    private static bool Is(IOperation? operation, ISymbol storage)
        => CollectionUses.StorageOf(operation) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, storage);

    /// <summary>True when <paramref name="body"/> takes an item from <paramref name="storage"/> (outside nested functions).</summary>
    private static bool TakesFrom(SemanticModel semanticModel, StatementSyntax body, ISymbol storage, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var node in body.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } }
                && PollingShape.IsTakeName(name)
                && semanticModel.GetOperation(node, cancellationToken) is IInvocationOperation take
                && Is(take.Instance, storage))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A test that gives up on an empty collection is a consumer that quits too early only when it is the whole
    /// consumer: outside any loop of its function (an outer loop makes it a drain that runs again, e.g. after waiting
    /// for a signal), and either directly in the delegate of a thread, task or pool work item (not in a method such a
    /// delegate calls, which may be a periodic flush), or — for a loop — in the code that starts the producer.
    /// </summary>
    private static bool IsWholeConsumer(IOperation statement, System.Collections.Generic.List<RegionEntry> entries, bool isCheck)
    {
        if (statement.GetEnclosingLoop() is not null)
        {
            return false;
        }

        if (entries.Count == 0)
        {
            return !isCheck;
        }

        var function = statement.GetEnclosingFunction()?.Syntax ?? FlowGraphs.GetRoot(statement).Syntax;
        foreach (var entry in entries)
        {
            if (entry.Depth == 0 && entry.FunctionSyntax == function && entry.Region.Kind is RegionKind.Thread or RegionKind.Task or RegionKind.ThreadPool)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Which polling form <see cref="PollingShape"/> found.</summary>
internal enum PollingKind
{
    /// <summary><c>while (!q.IsEmpty) { …take… }</c>.</summary>
    EmptyLoop,

    /// <summary><c>if (!q.IsEmpty) { …take… }</c>.</summary>
    EmptyCheck,

    /// <summary><c>while (!q.TryDequeue(out x)) Thread.Sleep(1);</c> or <c>while (true) { if (q.TryDequeue(out x)) break; … }</c>.</summary>
    Spin,

    /// <summary><c>while (true) { if (q.TryDequeue(out var x)) Process(x); else Thread.Sleep(1); }</c> (the <c>else</c> is optional).</summary>
    Poll,
}

/// <summary>The syntax of a polling consumer, found without binding. Shared with the code fix.</summary>
internal sealed class PollingShape
{
    private PollingShape(PollingKind kind, StatementSyntax statement, ExpressionSyntax condition, StatementSyntax body, ExpressionSyntax collection, ExpressionSyntax? take, System.Collections.Generic.List<ExpressionStatementSyntax> waitStatements)
    {
        Kind = kind;
        Statement = statement;
        Condition = condition;
        Body = body;
        Collection = collection;
        Take = take;
        WaitStatements = waitStatements;
    }

    public PollingKind Kind { get; }

    /// <summary>The loop or <c>if</c>.</summary>
    public StatementSyntax Statement { get; }

    /// <summary>The emptiness test, or the check holding the <c>Try…</c> take (the reported span).</summary>
    public ExpressionSyntax Condition { get; }

    public StatementSyntax Body { get; }

    /// <summary>The collection expression (<c>q</c>, <c>_queue</c>, <c>this._queue</c>).</summary>
    public ExpressionSyntax Collection { get; }

    /// <summary>For <see cref="PollingKind.Spin"/>: the <c>Try…</c> invocation.</summary>
    public ExpressionSyntax? Take { get; }

    /// <summary>For <see cref="PollingKind.Spin"/>: the waits of the loop body.</summary>
    public System.Collections.Generic.List<ExpressionStatementSyntax> WaitStatements { get; }

    public static bool IsTakeName(string name) => name is "TryDequeue" or "TryTake" or "TryPop" or "Dequeue" or "Take";

    public static PollingShape? FromSyntax(SyntaxNode node)
    {
        if (node is IfStatementSyntax ifStatement)
        {
            return EmptinessCollection(ifStatement.Condition) is { } checkedCollection && MentionsTake(ifStatement.Statement)
                ? new PollingShape(PollingKind.EmptyCheck, ifStatement, ifStatement.Condition, ifStatement.Statement, checkedCollection, null, new())
                : null;
        }

        var (condition, body) = node switch
        {
            WhileStatementSyntax loop => (loop.Condition, loop.Statement),
            DoStatementSyntax loop => (loop.Condition, loop.Statement),
            ForStatementSyntax { Condition: { } forCondition } loop => (forCondition, loop.Statement),
            _ => default,
        };
        if (condition is null || body is null)
        {
            return null;
        }

        if (EmptinessCollection(condition) is { } collection)
        {
            return MentionsTake(body) ? new PollingShape(PollingKind.EmptyLoop, (StatementSyntax)node, condition, body, collection, null, new()) : null;
        }

        // The spin: reuse the busy-wait syntax (a body of waits only), with a Try… take as the check.
        if (BusyWaitShape.FromSyntax(node) is not { } busy)
        {
            return PollShape((StatementSyntax)node, body);
        }

        var check = busy.Check;
        if (!busy.ExitWhenTrue)
        {
            if (check is not PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not)
            {
                return null;
            }

            check = not.Operand;
        }

        while (check is ParenthesizedExpressionSyntax parenthesized)
        {
            check = parenthesized.Expression;
        }

        return check is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryDequeue" or "TryTake" or "TryPop" } access, ArgumentList.Arguments.Count: 1 }
            ? new PollingShape(PollingKind.Spin, (StatementSyntax)node, busy.Check, body, access.Expression, check, busy.WaitStatements)
            : null;
    }

    /// <summary>
    /// <c>while (true) { if (q.TryDequeue(out var item)) Process(item); }</c>, optionally with an <c>else</c> that only
    /// waits (<c>else Thread.Sleep(10);</c>): a consumer that polls instead of blocking.
    /// </summary>
    private static PollingShape? PollShape(StatementSyntax loop, StatementSyntax body)
    {
        var single = body is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : body;
        if (single is not IfStatementSyntax { Condition: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryDequeue" or "TryTake" or "TryPop" } access, ArgumentList.Arguments.Count: 1 } take } poll)
        {
            return null;
        }

        var waits = new System.Collections.Generic.List<ExpressionStatementSyntax>();
        if (poll.Else is { } otherwise)
        {
            var statements = otherwise.Statement is BlockSyntax elseBlock ? elseBlock.Statements : SyntaxFactory.SingletonList(otherwise.Statement);
            foreach (var statement in statements)
            {
                if (statement is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sleep" or "Yield" or "SpinWait" or "SpinOnce" or "Wait" } } } wait)
                {
                    return null;
                }

                waits.Add(wait);
            }
        }

        return new PollingShape(PollingKind.Poll, loop, take, body, access.Expression, take, waits);
    }

    /// <summary>The collection of <c>!q.IsEmpty</c>, <c>q.Count &gt; 0</c> (and the other forms), <c>q.Any()</c>; null otherwise.</summary>
    private static ExpressionSyntax? EmptinessCollection(ExpressionSyntax condition)
    {
        while (condition is ParenthesizedExpressionSyntax parenthesized)
        {
            condition = parenthesized.Expression;
        }

        return condition switch
        {
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsEmpty" } isEmpty } => isEmpty.Expression,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Any" } any, ArgumentList.Arguments.Count: 0 } => any.Expression,
            BinaryExpressionSyntax { Left: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } left } => left.Expression,
            BinaryExpressionSyntax { Right: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } right } => right.Expression,
            _ => null,
        };
    }

    private static bool MentionsTake(StatementSyntax body)
    {
        foreach (var node in body.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } } && IsTakeName(name))
            {
                return true;
            }
        }

        return false;
    }
}
