using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR010: a loop that does nothing but spin, sleep or yield until a flag changes (<c>while (!done) { }</c>,
/// <c>while (!done) Thread.Sleep(10);</c>, <c>while (true) { if (done) break; Thread.Yield(); }</c>, an unbounded
/// <c>SpinWait.SpinUntil(() =&gt; done)</c>), when the concurrency model shows a write that changes the flag running on
/// another thread while the loop runs.
/// </summary>
/// <remarks>
/// Triggered on <c>while</c>/<c>do</c>/<c>for</c> loops whose body is syntactically nothing but waits, and
/// on calls named <c>SpinUntil</c>; only those are analysed further.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR010BusyWaitAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "Field", "StaticField", "Property", "Local" or "Parameter" — what the flag is.</summary>
    public const string StorageProperty = "Storage";

    /// <summary>Diagnostic property: "true" when the loop body makes no call at all, so a non-volatile read may be hoisted.</summary>
    public const string EmptySpinProperty = "EmptySpin";

    /// <summary>Diagnostic property: "true" when the loop waits for a bool flag to become true (<c>while (!done)</c>).</summary>
    public const string WaitsForTrueProperty = "WaitsForTrue";

    /// <summary>Diagnostic property: "true" when the flag is read through <c>volatile</c> or <c>Volatile.Read</c>.</summary>
    public const string VolatileReadProperty = "VolatileRead";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR010BusyWait);

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
            var gate = new TypeGate(types, static t => t.Thread is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterForWholeCompilation(start, 
                gate.Guard(context => AnalyzeLoop(context, model)),
                SyntaxKind.WhileStatement,
                SyntaxKind.DoStatement,
                SyntaxKind.ForStatement);
            SyntaxTrigger.RegisterCallsForWholeCompilation(start, static name => name == "SpinUntil", gate.Guard(context => AnalyzeSpinUntil(context, model)));
        });
    }

    private static void AnalyzeLoop(SyntaxTrigger context, ConcurrencyModel model)
    {
        var shape = BusyWaitShape.FromSyntax(context.Node);
        if (shape is null)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var semanticModel = context.SemanticModel;
        if (semanticModel.GetOperation(shape.Check, cancellationToken) is not { } check)
        {
            return;
        }

        var waits = BusyWaitShape.DescribeWaits(shape.WaitStatements, semanticModel, model.Types, cancellationToken);
        if (waits is null)
        {
            return;
        }

        Report(context, model, check, continueWhileTrue: !shape.ExitWhenTrue, "This loop " + waits, shape.WaitStatements.Count == 0, shape.Check.GetLocation());
    }

    private static void AnalyzeSpinUntil(SyntaxTrigger context, ConcurrencyModel model)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "SpinUntil" }
            || invocation.ArgumentList.Arguments.Count is not (1 or 2)
            || invocation.ArgumentList.Arguments[0].Expression is not LambdaExpressionSyntax { ExpressionBody: { } body })
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        if (context.SemanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
            || !WellKnownTypes.IsMethod(operation.TargetMethod, model.Types.SpinWait, "SpinUntil"))
        {
            return;
        }

        // A timeout bounds the wait: only SpinUntil(condition) and SpinUntil(condition, Timeout.Infinite) spin forever.
        foreach (var argument in operation.Arguments)
        {
            if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout" && !argument.Value.IsInfiniteTimeout())
            {
                return;
            }
        }

        if (context.SemanticModel.GetOperation(body, cancellationToken) is not { } check)
        {
            return;
        }

        Report(context, model, check, continueWhileTrue: false, "SpinWait.SpinUntil polls", emptySpin: false, invocation.GetLocation());
    }

    private static void Report(SyntaxTrigger context, ConcurrencyModel model, IOperation check, bool continueWhileTrue, string what, bool emptySpin, Location location)
    {
        var flag = FlagCheck.Parse(check, model.Types);
        if (flag is null || context.KeepForCompilationEnd())
        {
            return;
        }

        // An empty spin on a flag read through volatile or Volatile.Read ends when the flag is set (the volatile fixes
        // give exactly that); spinning on a properly read flag is a deliberate low-level technique, not a hang.
        if (emptySpin && (flag.VolatileRead || flag.Storage is IFieldSymbol { IsVolatile: true }))
        {
            return;
        }

        // The loop goes on while "storage == value" (Equal) or "storage != value".
        var spinWhileEqual = flag.Equal == continueWhileTrue;
        var value = flag.Value;
        var cancellationToken = context.CancellationToken;
        var found = StorageWrites.FindWriteOnAnotherThread(
            model,
            flag.Storage,
            flag.Reference,
            write => Releases(write, value, spinWhileEqual),
            cancellationToken);
        if (found is null)
        {
            return;
        }

        var storage = flag.Storage;
        var isBool = storage.GetStorageType()?.SpecialType == SpecialType.System_Boolean;
        var change = !isBool || value is not bool spinning ? "changed"
            : spinWhileEqual == !spinning ? "set" : "cleared";
        var isVolatile = flag.VolatileRead || storage is IFieldSymbol { IsVolatile: true };
        var advice = emptySpin && !isVolatile && storage is not IPropertySymbol
            ? "'" + storage.Name + "' is not volatile, so the JIT may read it once and the loop may never end"
            : "block on an event instead";
        if (emptySpin && !isVolatile && storage is IPropertySymbol)
        {
            advice = "the JIT may read '" + storage.Name + "' once and the loop may never end";
        }

        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(StorageProperty, StorageKind(storage))
            .Add(EmptySpinProperty, emptySpin ? "true" : "false")
            .Add(WaitsForTrueProperty, change == "set" ? "true" : "false")
            .Add(VolatileReadProperty, isVolatile ? "true" : "false");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR010BusyWait, location, properties, what, storage.Name, change, found.Writer, advice));
    }

    /// <summary>True when <paramref name="write"/> can end a loop that spins while the storage equals (or differs from) <paramref name="value"/>.</summary>
    private static bool Releases(StorageWrite write, object? value, bool spinWhileEqual)
    {
        if (write.Value?.WalkDownConversions() is not { ConstantValue.HasValue: true } constant)
        {
            return true;
        }

        var stored = constant.ConstantValue.Value;
        var same = stored is null ? value is null : value is not null && (stored.Equals(value) || SameNumber(stored, value));
        return spinWhileEqual ? !same : same;
    }

    private static bool SameNumber(object left, object right)
    {
        try
        {
            return left is System.IConvertible && right is System.IConvertible && !(left is string || right is string || left is bool || right is bool)
                && System.Convert.ToDecimal(left, System.Globalization.CultureInfo.InvariantCulture) == System.Convert.ToDecimal(right, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.Exception)
        {
            return false;
        }
    }

    private static string StorageKind(ISymbol symbol) => symbol switch
    {
        IFieldSymbol { IsStatic: true } => "StaticField",
        IFieldSymbol => "Field",
        ILocalSymbol => "Local",
        IParameterSymbol => "Parameter",
        _ => "Property",
    };
}

/// <summary>
/// The syntax of a busy-wait loop: its flag check, whether the loop leaves when the check is true (the
/// <c>if (done) break;</c> form), and its wait statements. Shared with the code fix.
/// </summary>
internal sealed class BusyWaitShape
{
    private BusyWaitShape(StatementSyntax loop, ExpressionSyntax check, bool exitWhenTrue, StatementSyntax? exit, System.Collections.Generic.List<ExpressionStatementSyntax> waitStatements)
    {
        Loop = loop;
        Check = check;
        ExitWhenTrue = exitWhenTrue;
        Exit = exit;
        WaitStatements = waitStatements;
    }

    public StatementSyntax Loop { get; }

    /// <summary>The expression that tests the flag: the loop condition, or the condition of the <c>if (…) break;</c>.</summary>
    public ExpressionSyntax Check { get; }

    /// <summary>True for <c>while (true) { if (check) break; … }</c>: the loop ends when the check is true.</summary>
    public bool ExitWhenTrue { get; }

    /// <summary>The statement that leaves the loop in the <c>if (check) break;</c> form (<c>break</c>, <c>return</c>…).</summary>
    public StatementSyntax? Exit { get; }

    /// <summary>The <c>Thread.Sleep(…)</c>-style statements of the body (empty for a bare spin).</summary>
    public System.Collections.Generic.List<ExpressionStatementSyntax> WaitStatements { get; }

    /// <summary>The shape of <paramref name="node"/> when it is a loop whose body only waits; null otherwise (syntax only).</summary>
    public static BusyWaitShape? FromSyntax(SyntaxNode node)
    {
        ExpressionSyntax? condition;
        StatementSyntax body;
        switch (node)
        {
            case WhileStatementSyntax loop:
                condition = loop.Condition;
                body = loop.Statement;
                break;
            case DoStatementSyntax loop:
                condition = loop.Condition;
                body = loop.Statement;
                break;
            case ForStatementSyntax loop when loop.Declaration is null && loop.Initializers.Count == 0 && loop.Incrementors.Count == 0:
                condition = loop.Condition;
                body = loop.Statement;
                break;
            default:
                return null;
        }

        var waits = new System.Collections.Generic.List<ExpressionStatementSyntax>();
        var isAlwaysTrue = condition is null || condition.IsKind(SyntaxKind.TrueLiteralExpression);
        if (!isAlwaysTrue)
        {
            return condition is not null && CollectWaits(body, waits, null, out _, out _) ? new BusyWaitShape((StatementSyntax)node, condition, false, null, waits) : null;
        }

        // while (true) { if (done) break; Thread.Sleep(10); }
        if (!CollectWaits(body, waits, node, out var check, out var exit) || check is null)
        {
            return null;
        }

        return new BusyWaitShape((StatementSyntax)node, check, true, exit, waits);
    }

    /// <summary>
    /// Collects the wait statements of <paramref name="body"/>; false when it holds anything else. With
    /// <paramref name="allowExitOf"/>, one <c>if (check) break;</c> (or <c>return</c>) leaving that loop is allowed.
    /// </summary>
    private static bool CollectWaits(StatementSyntax body, System.Collections.Generic.List<ExpressionStatementSyntax> waits, SyntaxNode? allowExitOf, out ExpressionSyntax? check, out StatementSyntax? exit)
    {
        check = null;
        exit = null;
        switch (body)
        {
            case EmptyStatementSyntax:
                return true;
            case ExpressionStatementSyntax statement when IsWaitCall(statement.Expression):
                waits.Add(statement);
                return true;
            case BlockSyntax block:
                foreach (var statement in block.Statements)
                {
                    if (allowExitOf is not null && check is null && statement is IfStatementSyntax { Else: null } ifStatement
                        && ExitStatement(ifStatement.Statement) is { } leave)
                    {
                        check = ifStatement.Condition;
                        exit = leave;
                        continue;
                    }

                    if (!CollectWaits(statement, waits, null, out _, out _))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private static StatementSyntax? ExitStatement(StatementSyntax statement) => statement switch
    {
        BreakStatementSyntax or ReturnStatementSyntax => statement,
        BlockSyntax { Statements.Count: 1 } block when block.Statements[0] is BreakStatementSyntax or ReturnStatementSyntax => block.Statements[0],
        _ => null,
    };

    private static bool IsWaitCall(ExpressionSyntax expression)
        => expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sleep" or "Yield" or "SpinWait" or "SpinOnce" or "Wait" or "MemoryBarrier" } };

    /// <summary>
    /// "sleeps in Thread.Sleep", "yields with Thread.Yield", "spins with SpinWait", "spins": what the wait statements
    /// do, once each is bound to a known waiting call; null when one of them is something else.
    /// </summary>
    public static string? DescribeWaits(System.Collections.Generic.List<ExpressionStatementSyntax> statements, SemanticModel semanticModel, WellKnownTypes types, CancellationToken cancellationToken)
    {
        var sleeps = false;
        var delays = false;
        var yields = false;
        var spins = false;
        foreach (var statement in statements)
        {
            if (semanticModel.GetOperation(statement.Expression, cancellationToken) is not IInvocationOperation invocation)
            {
                return null;
            }

            var method = invocation.TargetMethod;
            if (WellKnownTypes.Is(method.ContainingType, types.Thread))
            {
                switch (method.Name)
                {
                    case "Sleep":
                        sleeps = true;
                        continue;
                    case "Yield":
                        yields = true;
                        continue;
                    case "SpinWait" or "MemoryBarrier":
                        spins = true;
                        continue;
                }
            }
            else if (WellKnownTypes.IsMethod(method, types.SpinWait, "SpinOnce") || WellKnownTypes.IsMethod(method, types.Interlocked, "MemoryBarrier"))
            {
                spins = true;
                continue;
            }
            else if (method.Name == "Wait" && method.Parameters.Length == 0 && WellKnownTypes.Is(method.ContainingType, types.Task)
                && invocation.Instance?.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "Delay" } delay
                && WellKnownTypes.Is(delay.TargetMethod.ContainingType, types.Task))
            {
                delays = true;
                continue;
            }

            return null;
        }

        return sleeps ? "sleeps in Thread.Sleep"
            : delays ? "sleeps in Task.Delay(…).Wait()"
            : yields ? "yields with Thread.Yield"
            : spins ? "spins with SpinWait"
            : "spins";
    }
}
