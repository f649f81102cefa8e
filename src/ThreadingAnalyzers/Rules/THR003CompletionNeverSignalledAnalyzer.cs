using System.Collections.Generic;
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
/// THR003: a consumer that ends only when completion is signalled, where completion never comes — a
/// <c>BlockingCollection</c> consumed with <c>GetConsumingEnumerable()</c>/<c>Take()</c> with no <c>CompleteAdding()</c>
/// anywhere, a <c>Channel</c> read with <c>ReadAllAsync()</c>/<c>WaitToReadAsync()</c> whose writer is never completed — or
/// comes only on the success path: a <c>CompleteAdding()</c>/<c>Writer.Complete()</c> or a <c>CountdownEvent.Signal()</c>
/// after code that can throw, outside any <c>finally</c>, while a consumer or waiter on another thread blocks for it.
/// </summary>
/// <remarks>
/// Triggered on calls named like the consuming and completing members (<see cref="SyntaxTrigger"/>). The
/// storage must be a private field or a local (all its uses visible), never handed out or assigned from elsewhere.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR003CompletionNeverSignalledAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "NoCompletion" (with the producer function as additional location when a fix can complete there) or "SuccessPathOnly".</summary>
    public const string ShapeProperty = "Shape";

    /// <summary>Diagnostic property: the statement that completes, for "NoCompletion": "CompleteAdding" or "Writer.Complete".</summary>
    public const string CompletionProperty = "Completion";

    public const string NoCompletion = "NoCompletion";
    public const string SuccessPathOnly = "SuccessPathOnly";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR003CompletionNeverSignalled);

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
            var gate = new TypeGate(types, static t => t.BlockingCollection1 is not null || t.Channel1 is not null || t.CountdownEvent is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterCallsForWholeCompilation(start, IsConsumeOrCompleteName, gate.Guard(context => Analyze(context, model)));
        });
    }

    /// <summary>The calls the rule looks at (the prefilter of its trigger; <see cref="Analyze"/> tells them apart).</summary>
    private static bool IsConsumeOrCompleteName(string name)
        => name is "GetConsumingEnumerable" or "Take" or "ReadAllAsync" or "WaitToReadAsync" or "CompleteAdding" or "Complete" or "TryComplete" or "Signal";

    private static void Analyze(SyntaxTrigger context, ConcurrencyModel model)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax access)
        {
            return;
        }

        switch (access.Name.Identifier.ValueText)
        {
            case "GetConsumingEnumerable" or "Take" or "ReadAllAsync" or "WaitToReadAsync" when invocation.ArgumentList.Arguments.Count == 0:
                AnalyzeConsumer(context, model, invocation);
                break;
            case "CompleteAdding" or "Complete" or "TryComplete" or "Signal"
                when invocation.Parent is ExpressionStatementSyntax { Parent: BlockSyntax block } && IsFunctionBody(block):
                AnalyzeCompletion(context, model, invocation, (ExpressionStatementSyntax)invocation.Parent, block);
                break;
        }
    }

    /// <summary>A consuming loop of a collection or channel on which nothing ever signals completion.</summary>
    private static void AnalyzeConsumer(SyntaxTrigger context, ConcurrencyModel model, InvocationExpressionSyntax invocation)
    {
        var cancellationToken = context.CancellationToken;
        if (context.SemanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation consume
            || Target(consume, model.Types) is not { } target
            || ConsumingLoop(invocation, target.IsChannel) is not { } loop
            || HasOwnExit(loop)
            || context.KeepForCompilationEnd()
            || !CollectionUses.MayBeConcurrent(model, invocation, cancellationToken))
        {
            return;
        }

        var uses = CollectionUses.Get(model, target.Storage, cancellationToken);
        if (uses is null)
        {
            return;
        }

        foreach (var use in uses)
        {
            // Completed somewhere, handed to code out of sight, or replaced by another object: nothing is claimed.
            if (use.Kind is CollectionUseKind.Complete or CollectionUseKind.Escapes or CollectionUseKind.Assigned)
            {
                return;
            }
        }

        string? producer = null;
        IOperation? produce = null;
        foreach (var use in uses)
        {
            if (use.Kind == CollectionUseKind.Produce && use.Call is { } call
                && CollectionUses.RunsConcurrently(model, consume, call, cancellationToken) is { } who)
            {
                producer = who;
                produce = call;
                break;
            }
        }

        if (producer is null || produce is null || !IsExpectedToFinish(model, consume, loop, cancellationToken))
        {
            return;
        }

        var member = ((MemberAccessExpressionSyntax)invocation.Expression).Name.Identifier.ValueText;
        var (what, consequence) = target.IsChannel
            ? ("is read with " + member + "() but its writer is never completed", "the reading loop never ends after " + producer + " stops writing")
            : ("is consumed with " + member + "() but CompleteAdding() is never called on it", "the consuming loop never ends after " + producer + " stops adding");

        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(ShapeProperty, NoCompletion)
            .Add(CompletionProperty, target.IsChannel ? "Writer.Complete" : "CompleteAdding");
        var additional = ProducerFunction(model, uses, cancellationToken) is { } function ? new[] { function.GetLocation() } : null;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR003CompletionNeverSignalled, invocation.GetLocation(), additional, properties, target.Storage.Name, what, consequence));
    }

    /// <summary>A completion or signal that an exception in the code before it skips, while someone on another thread blocks for it.</summary>
    private static void AnalyzeCompletion(SyntaxTrigger context, ConcurrencyModel model, InvocationExpressionSyntax invocation, ExpressionStatementSyntax statement, BlockSyntax block)
    {
        var cancellationToken = context.CancellationToken;
        var semanticModel = context.SemanticModel;
        if (semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation complete
            || Target(complete, model.Types) is not { } target)
        {
            return;
        }

        var name = complete.TargetMethod.Name;
        var isSignal = WellKnownTypes.Is(complete.Instance?.Type, model.Types.CountdownEvent);
        if (isSignal ? name != "Signal" : target.IsChannel ? name is not ("Complete" or "TryComplete") || !target.ThroughWriter : name != "CompleteAdding")
        {
            return;
        }

        var thrower = FirstThrowingStatement(semanticModel, block, statement, name, cancellationToken);
        if (thrower is null || context.KeepForCompilationEnd() || !CollectionUses.MayBeConcurrent(model, invocation, cancellationToken))
        {
            return;
        }

        var uses = CollectionUses.Get(model, target.Storage, cancellationToken);
        if (uses is null)
        {
            return;
        }

        string? waiter = null;
        foreach (var use in uses)
        {
            if (use.Call is IInvocationOperation call && IsBlockingWait(use, call)
                && CollectionUses.RunsConcurrently(model, complete, call, cancellationToken) is { } who)
            {
                waiter = who;
                break;
            }
        }

        if (waiter is null)
        {
            return;
        }

        var returns = ReturnsEarly(thrower);
        var skip = (returns ? "a return or an exception in '" : "an exception in '") + Shorten(thrower) + "' skips ";
        var unless = returns ? " does not throw or return early" : " does not throw";
        var (what, consequence) = isSignal
            ? ("is signalled only if the worker" + unless, skip + "Signal() and leaves " + waiter + " waiting forever in Wait(); signal in a finally block")
            : target.IsChannel
                ? ("is completed only if the producer" + unless, skip + name + "() and leaves the reader in " + waiter + " waiting forever; complete the writer in a finally block")
                : ("is completed only if the producer" + unless, skip + "CompleteAdding() and leaves the consumer in " + waiter + " waiting forever; complete it in a finally block");
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, SuccessPathOnly);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.THR003CompletionNeverSignalled, invocation.GetLocation(), properties, target.Storage.Name, what, consequence));
    }

    private static bool IsBlockingWait(CollectionUse use, IInvocationOperation call)
        => ExplicitArguments(call) == 0 && (use.Kind == CollectionUseKind.Wait
            || use.Kind == CollectionUseKind.Consume && call.TargetMethod.Name is "GetConsumingEnumerable" or "Take" or "ReadAllAsync" or "WaitToReadAsync" or "ReadAsync");

    private static int ExplicitArguments(IInvocationOperation call)
    {
        var count = 0;
        foreach (var argument in call.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The storage the call is made on: the collection or event itself, or a channel through its <c>Reader</c>/<c>Writer</c>.</summary>
    private static (ISymbol Storage, bool IsChannel, bool ThroughWriter)? Target(IInvocationOperation call, WellKnownTypes types)
    {
        var instance = call.Instance?.WalkDownConversions();
        if (instance is IPropertyReferenceOperation { Property.Name: "Writer" or "Reader" } side && WellKnownTypes.IsOrDerivesFrom(side.Instance?.Type, types.Channel1))
        {
            return CollectionUses.StorageOf(side.Instance) is { } channel ? (channel, true, side.Property.Name == "Writer") : null;
        }

        if (WellKnownTypes.Is(instance?.Type, types.BlockingCollection1) || WellKnownTypes.Is(instance?.Type, types.CountdownEvent))
        {
            return CollectionUses.StorageOf(instance) is { } storage ? (storage, false, false) : null;
        }

        return null;
    }

    /// <summary>
    /// The loop that consumes through <paramref name="invocation"/>: the <c>foreach</c> over <c>GetConsumingEnumerable()</c>
    /// or <c>ReadAllAsync()</c>, the <c>while (await reader.WaitToReadAsync())</c>, or an endless loop around <c>Take()</c>.
    /// </summary>
    private static StatementSyntax? ConsumingLoop(InvocationExpressionSyntax invocation, bool isChannel)
    {
        var name = ((MemberAccessExpressionSyntax)invocation.Expression).Name.Identifier.ValueText;
        switch (name)
        {
            case "GetConsumingEnumerable" or "ReadAllAsync":
                return invocation.Parent is ForEachStatementSyntax loop && loop.Expression == invocation
                    && (name == "GetConsumingEnumerable") == (loop.AwaitKeyword == default) && (name == "ReadAllAsync") == isChannel
                    ? loop
                    : null;
            case "WaitToReadAsync":
                return isChannel && invocation.Parent is AwaitExpressionSyntax { Parent: WhileStatementSyntax whileLoop } awaited && whileLoop.Condition == awaited ? whileLoop : null;
            default:
                // Take(): inside a loop of the same function that only ends through the collection (while (true), while (!q.IsCompleted)).
                if (isChannel)
                {
                    return null;
                }

                foreach (var ancestor in invocation.Ancestors())
                {
                    switch (ancestor)
                    {
                        case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                            return null;
                        case WhileStatementSyntax { Condition: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.TrueLiteralExpression } } endless:
                            return endless;
                        case WhileStatementSyntax { Condition: PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsCompleted" or "IsAddingCompleted" } completed } } untilCompleted
                            when invocation.Expression is MemberAccessExpressionSyntax take && SyntaxFactory.AreEquivalent(take.Expression, completed.Expression):
                            // Ends only through the completion too.
                            return untilCompleted;
                        case ForStatementSyntax { Condition: null } forever:
                            return forever;
                        case WhileStatementSyntax or ForStatementSyntax or DoStatementSyntax or ForEachStatementSyntax:
                            return null;
                    }
                }

                return null;
        }
    }

    /// <summary>True when the loop body can leave the loop by itself (<c>break</c>, <c>return</c>, <c>throw</c>, <c>goto</c>, <c>yield break</c>): a sentinel or a stop condition.</summary>
    private static bool HasOwnExit(StatementSyntax loop)
    {
        var body = loop switch
        {
            ForEachStatementSyntax forEach => forEach.Statement,
            WhileStatementSyntax whileLoop => whileLoop.Statement,
            ForStatementSyntax forLoop => forLoop.Statement,
            _ => null,
        };
        if (body is null)
        {
            return true;
        }

        foreach (var node in body.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or GotoStatementSyntax or YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                    return true;
                case BreakStatementSyntax brk when OwnerOfBreak(brk) == loop:
                    return true;
            }
        }

        return false;
    }

    private static SyntaxNode? OwnerOfBreak(BreakStatementSyntax statement)
    {
        foreach (var ancestor in statement.Ancestors())
        {
            if (ancestor is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax or SwitchStatementSyntax)
            {
                return ancestor;
            }
        }

        return null;
    }

    /// <summary>
    /// True when someone waits for the consumer to finish: code follows the loop in its function, the consumer runs on
    /// the calling thread (outside every region), or the thread or task that runs it is joined or awaited.
    /// </summary>
    private static bool IsExpectedToFinish(ConcurrencyModel model, IOperation consume, StatementSyntax loop, CancellationToken cancellationToken)
    {
        if (IsFollowedByCode(loop))
        {
            return true;
        }

        var entries = model.GetEntries(consume, cancellationToken);
        if (entries.Count == 0)
        {
            return true;
        }

        foreach (var entry in entries)
        {
            if (IsWaitedFor(entry.Region))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowedByCode(StatementSyntax statement)
    {
        SyntaxNode current = statement;
        while (current.Parent is { } parent)
        {
            switch (parent)
            {
                case BlockSyntax block:
                    if (block.Statements.IndexOf((StatementSyntax)current) < block.Statements.Count - 1)
                    {
                        return true;
                    }

                    break;
                case GlobalStatementSyntax global when global.Parent is CompilationUnitSyntax unit:
                    var index = unit.Members.IndexOf(global);
                    return index >= 0 && index < unit.Members.Count - 1 && unit.Members[index + 1] is GlobalStatementSyntax;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax or CompilationUnitSyntax:
                    return false;
                case WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax:
                    // Run again by an outer loop: what follows is not the end of the consumer.
                    return false;
            }

            current = parent;
        }

        return false;
    }

    /// <summary>True when the start of <paramref name="region"/> is awaited or waited on, or its thread/task variable is joined, waited or awaited.</summary>
    private static bool IsWaitedFor(ConcurrentRegion region)
    {
        for (var node = region.StartSyntax.Parent; node is not null; node = node.Parent)
        {
            if (node is AwaitExpressionSyntax || IsWaitCall(node.Parent, node))
            {
                return true;
            }

            if (node is not (ParenthesizedExpressionSyntax or CastExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ArgumentSyntax or ArgumentListSyntax))
            {
                break;
            }
        }

        if (region.Handle is not ILocalSymbol { Name: var name })
        {
            return false;
        }

        foreach (var identifier in region.CreatorFunctionSyntax.DescendantNodes())
        {
            if (identifier is IdentifierNameSyntax { Identifier.ValueText: var text } && text == name
                && (identifier.Parent is AwaitExpressionSyntax || IsWaitCall(identifier.Parent, identifier) || identifier.Parent is ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WaitAll" or "WhenAll" } } }))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWaitCall(SyntaxNode? parent, SyntaxNode receiver)
        => parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Join" or "Wait" or "GetAwaiter" or "Result" } access && access.Expression == receiver;

    /// <summary>The one function that produces into the storage, when a completion can go at its end: a thread, task or pool delegate that runs once.</summary>
    private static SyntaxNode? ProducerFunction(ConcurrencyModel model, List<CollectionUse> uses, CancellationToken cancellationToken)
    {
        SyntaxNode? function = null;
        foreach (var use in uses)
        {
            if (use.Kind != CollectionUseKind.Produce || use.Call is null)
            {
                continue;
            }

            var enclosing = use.Call.GetEnclosingFunction()?.Syntax ?? FlowGraphs.GetRoot(use.Call).Syntax;
            if (function is not null && function != enclosing)
            {
                return null;
            }

            function = enclosing;
            var entries = model.GetEntries(use.Call, cancellationToken);
            if (entries.Count != 1 || entries[0] is not { Depth: 0 } entry || entry.FunctionSyntax != enclosing || entry.Region.IsSelfConcurrent
                || entry.Region.Kind is not (RegionKind.Thread or RegionKind.Task or RegionKind.ThreadPool))
            {
                return null;
            }
        }

        return function switch
        {
            AnonymousFunctionExpressionSyntax { Body: BlockSyntax } or LocalFunctionStatementSyntax { Body: not null } or MethodDeclarationSyntax { Body: not null } => function,
            _ => null,
        };
    }

    /// <summary>True when <paramref name="block"/> is the body of a method, local function, accessor or lambda.</summary>
    internal static bool IsFunctionBody(BlockSyntax block)
        => block.Parent is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax;

    /// <summary>The first statement before <paramref name="statement"/> in <paramref name="block"/> that can throw; null when none can.</summary>
    private static StatementSyntax? FirstThrowingStatement(SemanticModel semanticModel, BlockSyntax block, StatementSyntax statement, string completion, CancellationToken cancellationToken)
    {
        foreach (var before in block.Statements)
        {
            if (before == statement)
            {
                return null;
            }

            if (before is LocalFunctionStatementSyntax || before is TryStatementSyntax handled && CatchesEverything(handled, completion))
            {
                continue;
            }

            if (semanticModel.GetOperation(before, cancellationToken) is not { } operation || !CannotThrow(operation))
            {
                return before;
            }
        }

        return null;
    }

    /// <summary>
    /// True for a <c>try</c> with a <c>catch</c> (or <c>catch (Exception)</c>) without a filter, whose handlers either do
    /// not throw or make the same completion call themselves before they rethrow: no exception skips the completion.
    /// </summary>
    private static bool CatchesEverything(TryStatementSyntax statement, string completion)
    {
        var catchAll = false;
        var throws = false;
        var everyHandlerCompletes = true;
        foreach (var clause in statement.Catches)
        {
            catchAll |= clause.Filter is null && (clause.Declaration is null || clause.Declaration.Type.ToString() is "Exception" or "System.Exception" or "global::System.Exception");
            var completes = false;
            foreach (var node in clause.Block.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                throws |= node is ThrowStatementSyntax or ThrowExpressionSyntax;
                completes |= node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } && access.Name.Identifier.ValueText == completion;
            }

            everyHandlerCompletes &= completes;
        }

        return catchAll && (!throws || everyHandlerCompletes);
    }

    private static bool CannotThrow(IOperation operation)
    {
        if (operation is not IVariableDeclarationGroupOperation group)
        {
            return ReleaseGuarantee.CannotThrow(operation);
        }

        foreach (var declaration in group.Declarations)
        {
            foreach (var declarator in declaration.Declarators)
            {
                if ((declarator.Initializer ?? declaration.Initializer) is { } initializer && !ReleaseGuarantee.CannotThrow(initializer.Value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="statement"/> can leave the producer's body with a <c>return</c> of its own.</summary>
    private static bool ReturnsEarly(StatementSyntax statement)
    {
        foreach (var node in statement.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is ReturnStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first call or creation of <paramref name="statement"/> (what can throw), else its first line.</summary>
    private static string Shorten(StatementSyntax statement)
    {
        SyntaxNode shown = statement;
        foreach (var node in statement.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
            {
                shown = node;
                break;
            }
        }

        var text = shown.ToString().Split('\n')[0].Trim();
        if (text.EndsWith(";", System.StringComparison.Ordinal))
        {
            text = text.Substring(0, text.Length - 1);
        }

        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }
}
