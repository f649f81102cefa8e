using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>What <see cref="ReleaseGuarantee.Check"/> found for one acquire.</summary>
internal enum ReleaseVerdict
{
    /// <summary>Every path after the acquire, normal or exceptional, reaches a release.</summary>
    Guaranteed,

    /// <summary>The function never releases it: a wrapper or a hand-off, not this function's business.</summary>
    NoReleaseInFunction,

    /// <summary>An operation that can throw runs after the acquire, outside any try whose finally (or catch-all) releases.</summary>
    ExceptionEscapes,

    /// <summary>A normal path (return, end of method, throw statement) leaves the function without a release.</summary>
    PathEscapes,

    /// <summary>The acquire's result flows somewhere this analysis does not follow; nothing is claimed.</summary>
    NotAnalyzed,
}

/// <summary>The verdict and the operation that shows it (the throwing call or the leaving branch), when there is one.</summary>
internal readonly struct ReleaseCheck
{
    public ReleaseCheck(ReleaseVerdict verdict, SyntaxNode? witness = null)
    {
        Verdict = verdict;
        Witness = witness;
    }

    public ReleaseVerdict Verdict { get; }

    public SyntaxNode? Witness { get; }
}

/// <summary>
/// A control-flow fact: is a resource taken at one operation released on every path that follows it, including the
/// paths an exception takes? A path is safe once it reaches a release, or enters a <c>try</c> whose <c>finally</c>
/// releases (every way out of the try runs it). An operation that can throw is safe only inside such a try, or a
/// try with a catch-all that releases. Nothing is claimed when the acquire's result is used in a way not followed.
/// Used for locks (THR008); any acquire/release pair can use it.
/// </summary>
internal static class ReleaseGuarantee
{
    /// <summary>Checks the acquire whose syntax is <paramref name="acquireSyntax"/> inside <paramref name="graph"/>.</summary>
    /// <param name="graph">The graph of the function that contains the acquire (see <see cref="FlowGraphs.GetEnclosingGraph"/>).</param>
    /// <param name="acquireSyntax">The syntax of the acquiring invocation.</param>
    /// <param name="returnsSuccess">True when the acquire returns <c>true</c> on success (only the success path holds it).</param>
    /// <param name="isRelease">Recognizes a release of this resource.</param>
    /// <param name="state">Passed to <paramref name="isRelease"/>.</param>
    /// <param name="cancellationToken">Honoured between blocks.</param>
    public static ReleaseCheck Check<TState>(
        ControlFlowGraph graph,
        SyntaxNode acquireSyntax,
        bool returnsSuccess,
        Func<IInvocationOperation, TState, bool> isRelease,
        TState state,
        CancellationToken cancellationToken)
    {
        var walker = new Walker<TState>(graph, acquireSyntax, isRelease, state, cancellationToken);
        return walker.Run(returnsSuccess);
    }

    /// <summary>
    /// The two usual safe shapes, read from the operation tree without building a graph: the acquire lies in the body of
    /// a <c>try</c> whose <c>finally</c> releases, or, for an acquire that always succeeds (<c>Monitor.Enter(x)</c>,
    /// <c>await WaitAsync()</c>), it is the statement right before such a <c>try</c>. <see cref="Check"/> finds both
    /// <see cref="ReleaseVerdict.Guaranteed"/>; false means only that the graph is needed.
    /// </summary>
    public static bool IsCoveredByFinally<TState>(IOperation acquire, bool alwaysSucceeds, Func<IInvocationOperation, TState, bool> isRelease, TState state)
    {
        var statement = acquire;
        while (statement.Parent is IAwaitOperation or IConversionOperation or IParenthesizedOperation
            || statement.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == statement)
        {
            statement = statement.Parent;
        }

        statement = statement.Parent as IExpressionStatementOperation ?? statement;
        if (alwaysSucceeds && statement is IExpressionStatementOperation && statement.Parent is IBlockOperation block)
        {
            var index = block.Operations.IndexOf(statement);
            if (index + 1 < block.Operations.Length && block.Operations[index + 1] is ITryOperation { Finally: { } next }
                && FinallyReleases(next, isRelease, state))
            {
                return true;
            }
        }

        var child = acquire;
        for (var parent = acquire.Parent; parent is not null and not IAnonymousFunctionOperation and not ILocalFunctionOperation; child = parent, parent = parent.Parent)
        {
            if (parent is ITryOperation { Finally: { } enclosing } tryOperation && child == tryOperation.Body && FinallyReleases(enclosing, isRelease, state))
            {
                return true;
            }
        }

        return false;
    }

    private static bool FinallyReleases<TState>(IBlockOperation finallyBlock, Func<IInvocationOperation, TState, bool> isRelease, TState state)
    {
        foreach (var operation in OperationWalk.InFunction(finallyBlock, skipFunctions: null, skipAllNested: true))
        {
            if (operation is IInvocationOperation invocation && isRelease(invocation, state))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when evaluating <paramref name="operation"/> cannot throw: locals, constants, fields of <c>this</c> or static
    /// fields, auto-properties of <c>this</c>, plain arithmetic and comparisons, <c>?:</c>/<c>??</c> of such values, and
    /// <c>Volatile.Read</c>/<c>Write</c> and <c>Interlocked</c> calls on such storage (they are fenced reads and writes).
    /// </summary>
    public static bool CannotThrow(IOperation operation)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            switch (node)
            {
                case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType: { Name: "Volatile" or "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } }:
                case IArgumentOperation:
                case IConditionalOperation { IsRef: false }:
                case ICoalesceOperation:
                case ITupleOperation:
                    continue;
                case IPropertyReferenceOperation { Arguments.Length: 0 } property
                    when (property.Instance is null or IInstanceReferenceOperation) && IsAutoProperty(property.Property):
                    continue;
                case ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation:
                case IFlowCaptureOperation or IFlowCaptureReferenceOperation or IDefaultValueOperation or ITypeOfOperation:
                case IIsNullOperation or IDiscardOperation or IEmptyOperation or IDeclarationExpressionOperation:
                case IIsTypeOperation or INameOfOperation or ISizeOfOperation or ICaughtExceptionOperation:
                case ISimpleAssignmentOperation or IFlowAnonymousFunctionOperation or IExpressionStatementOperation:
                    continue;
                case IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation:
                    continue;
                case IConversionOperation { IsImplicit: true, OperatorMethod: null, IsChecked: false } conversion
                    when !conversion.Conversion.IsUserDefined:
                    continue;
                case IBinaryOperation { OperatorMethod: null, IsChecked: false } binary
                    when binary.OperatorKind is not (BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder):
                    continue;
                case IBinaryOperation { OperatorMethod: { ContainingType: { IsValueType: true, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } comparison
                    when comparison.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan
                        or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual:
                    // Comparing DateTime, TimeSpan, decimal, Guid… does not throw.
                    continue;
                case IUnaryOperation { OperatorMethod: null, IsChecked: false }:
                    continue;
                case IIncrementOrDecrementOperation { OperatorMethod: null, IsChecked: false }:
                    continue;
                case ICompoundAssignmentOperation { OperatorMethod: null, IsChecked: false } compound
                    when compound.OperatorKind is not (BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder):
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>True for a non-virtual property declared in source with accessors that have no bodies (<c>{ get; set; }</c>): reading it reads a field.</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsAbstract || property.IsVirtual || property.IsOverride || property.IsExtern || property.ContainingType?.TypeKind == TypeKind.Interface
            || property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors })
        {
            return false;
        }

        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Walker<TState>
    {
        private readonly ControlFlowGraph _graph;
        private readonly SyntaxNode _acquireSyntax;
        private readonly Func<IInvocationOperation, TState, bool> _isRelease;
        private readonly TState _state;
        private readonly CancellationToken _cancellationToken;

        /// <summary>Blocks inside a try whose finally releases: every way out of them releases.</summary>
        private readonly bool[] _finallyCovered;

        /// <summary>Blocks inside a try with a releasing catch-all: an exception there is released, a normal exit is not.</summary>
        private readonly bool[] _exceptionCovered;

        private bool _anyRelease;

        public Walker(ControlFlowGraph graph, SyntaxNode acquireSyntax, Func<IInvocationOperation, TState, bool> isRelease, TState state, CancellationToken cancellationToken)
        {
            _graph = graph;
            _acquireSyntax = acquireSyntax;
            _isRelease = isRelease;
            _state = state;
            _cancellationToken = cancellationToken;
            _finallyCovered = new bool[graph.Blocks.Length];
            _exceptionCovered = new bool[graph.Blocks.Length];
        }

        public ReleaseCheck Run(bool returnsSuccess)
        {
            var blocks = _graph.Blocks;
            var releaseBlocks = new bool[blocks.Length];
            int acquireBlock = -1, acquireIndex = -1;
            for (var ordinal = 0; ordinal < blocks.Length; ordinal++)
            {
                var block = blocks[ordinal];
                for (var i = 0; i < block.Operations.Length; i++)
                {
                    releaseBlocks[ordinal] |= ContainsRelease(block.Operations[i]);
                    if (acquireBlock < 0 && ContainsAcquire(block.Operations[i]))
                    {
                        (acquireBlock, acquireIndex) = (ordinal, i);
                    }
                }

                if (block.BranchValue is { } branchValue)
                {
                    releaseBlocks[ordinal] |= ContainsRelease(branchValue);
                    if (acquireBlock < 0 && ContainsAcquire(branchValue))
                    {
                        (acquireBlock, acquireIndex) = (ordinal, block.Operations.Length);
                    }
                }

                _anyRelease |= releaseBlocks[ordinal];
            }

            if (acquireBlock < 0)
            {
                return new ReleaseCheck(ReleaseVerdict.NotAnalyzed);
            }

            if (!_anyRelease)
            {
                return new ReleaseCheck(ReleaseVerdict.NoReleaseInFunction);
            }

            MarkCoveredRegions(_graph.Root, releaseBlocks);
            if (_finallyCovered[acquireBlock])
            {
                return new ReleaseCheck(ReleaseVerdict.Guaranteed);
            }

            // Where the acquire's result goes decides which paths hold the lock.
            var start = blocks[acquireBlock];
            ILocalSymbol? successLocal = null;
            bool? successOnConditional = null;
            if (acquireIndex == start.Operations.Length)
            {
                if (!returnsSuccess)
                {
                    return new ReleaseCheck(ReleaseVerdict.NotAnalyzed);
                }

                var value = StripAwait(start.BranchValue!.WalkDownConversions());
                if (value.Syntax != _acquireSyntax || start.ConditionKind == ControlFlowConditionKind.None)
                {
                    return new ReleaseCheck(ReleaseVerdict.NotAnalyzed);
                }

                successOnConditional = start.ConditionKind == ControlFlowConditionKind.WhenTrue;
            }
            else if (returnsSuccess)
            {
                var statement = start.Operations[acquireIndex];
                if (statement is IExpressionStatementOperation expressionStatement)
                {
                    statement = expressionStatement.Operation;
                }

                switch (statement)
                {
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment
                        when StripAwait(assignment.Value.WalkDownConversions()).Syntax == _acquireSyntax:
                        successLocal = local.Local;
                        break;
                    case IInvocationOperation or IAwaitOperation when StripAwait(statement).Syntax == _acquireSyntax:
                        break;
                    default:
                        return new ReleaseCheck(ReleaseVerdict.NotAnalyzed);
                }
            }

            return Walk(acquireBlock, acquireIndex + 1, successLocal, successOnConditional);
        }

        private ReleaseCheck Walk(int firstBlock, int firstIndex, ILocalSymbol? successLocal, bool? successOnConditional)
        {
            var blocks = _graph.Blocks;
            var visited = new bool[blocks.Length];
            var work = new Stack<(int Block, int Index, bool? OnlyConditional)>();
            work.Push((firstBlock, firstIndex, successOnConditional));

            while (work.Count > 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var (ordinal, index, onlyConditional) = work.Pop();
                var block = blocks[ordinal];
                var released = false;
                var stop = false;

                for (var i = index; i < block.Operations.Length && !released && !stop; i++)
                {
                    var operation = block.Operations[i];
                    if (ContainsRelease(operation))
                    {
                        released = true;
                    }
                    else if (ContainsAcquire(operation))
                    {
                        stop = true;
                    }
                    else if (!_exceptionCovered[ordinal] && !CannotThrow(operation))
                    {
                        return new ReleaseCheck(ReleaseVerdict.ExceptionEscapes, operation.Syntax);
                    }
                }

                if (released || stop)
                {
                    continue;
                }

                if (index <= block.Operations.Length && block.BranchValue is { } branchValue)
                {
                    if (ContainsRelease(branchValue))
                    {
                        continue;
                    }

                    if (ContainsAcquire(branchValue))
                    {
                        continue;
                    }

                    if (block.FallThroughSuccessor?.Semantics is not (ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow)
                        && !_exceptionCovered[ordinal] && !CannotThrow(branchValue))
                    {
                        return new ReleaseCheck(ReleaseVerdict.ExceptionEscapes, branchValue.Syntax);
                    }

                    if (onlyConditional is null && successLocal is not null && block.ConditionKind != ControlFlowConditionKind.None
                        && branchValue.WalkDownConversions() is ILocalReferenceOperation tested
                        && SymbolEqualityComparer.Default.Equals(tested.Local, successLocal))
                    {
                        onlyConditional = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    }
                }

                if (onlyConditional != false && block.ConditionalSuccessor is { } conditional)
                {
                    if (Follow(block, conditional, work, visited) is { } problem)
                    {
                        return problem;
                    }
                }

                if (onlyConditional != true && block.FallThroughSuccessor is { } fallThrough)
                {
                    if (Follow(block, fallThrough, work, visited) is { } problem)
                    {
                        return problem;
                    }
                }
            }

            return new ReleaseCheck(ReleaseVerdict.Guaranteed);
        }

        private ReleaseCheck? Follow(BasicBlock from, ControlFlowBranch branch, Stack<(int, int, bool?)> work, bool[] visited)
        {
            foreach (var finallyRegion in branch.FinallyRegions)
            {
                if (IsReleasingFinally(finallyRegion))
                {
                    return null;
                }
            }

            switch (branch.Semantics)
            {
                case ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow:
                    return _exceptionCovered[from.Ordinal]
                        ? null
                        : new ReleaseCheck(ReleaseVerdict.ExceptionEscapes, from.BranchValue?.Syntax ?? LastSyntax(from));
                case ControlFlowBranchSemantics.StructuredExceptionHandling or ControlFlowBranchSemantics.Error or ControlFlowBranchSemantics.ProgramTermination:
                    return null;
            }

            if (branch.Destination is not { } destination)
            {
                return null;
            }

            if (destination.Kind == BasicBlockKind.Exit)
            {
                return new ReleaseCheck(ReleaseVerdict.PathEscapes, LastSyntax(from));
            }

            if (_finallyCovered[destination.Ordinal] || visited[destination.Ordinal])
            {
                return null;
            }

            visited[destination.Ordinal] = true;
            work.Push((destination.Ordinal, 0, null));
            return null;
        }

        private static SyntaxNode? LastSyntax(BasicBlock block)
            => block.BranchValue?.Syntax ?? (block.Operations.Length > 0 ? block.Operations[block.Operations.Length - 1].Syntax : null);

        private bool IsReleasingFinally(ControlFlowRegion finallyRegion)
        {
            for (var ordinal = finallyRegion.FirstBlockOrdinal; ordinal <= finallyRegion.LastBlockOrdinal; ordinal++)
            {
                var block = _graph.Blocks[ordinal];
                foreach (var operation in block.Operations)
                {
                    if (ContainsRelease(operation))
                    {
                        return true;
                    }
                }

                if (block.BranchValue is { } branchValue && ContainsRelease(branchValue))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Marks the blocks of every try whose finally releases, and of every try with a releasing catch-all.</summary>
        private void MarkCoveredRegions(ControlFlowRegion region, bool[] releaseBlocks)
        {
            if (region.Kind == ControlFlowRegionKind.TryAndFinally && region.NestedRegions.Length == 2
                && AnyRelease(region.NestedRegions[1], releaseBlocks))
            {
                Mark(_finallyCovered, region.NestedRegions[0]);
                Mark(_exceptionCovered, region.NestedRegions[0]);
            }
            else if (region.Kind == ControlFlowRegionKind.TryAndCatch && region.NestedRegions.Length >= 2)
            {
                for (var i = 1; i < region.NestedRegions.Length; i++)
                {
                    var handler = region.NestedRegions[i];
                    if (IsCatchAll(handler) && AnyRelease(handler, releaseBlocks))
                    {
                        Mark(_exceptionCovered, region.NestedRegions[0]);
                    }
                }
            }

            foreach (var nested in region.NestedRegions)
            {
                MarkCoveredRegions(nested, releaseBlocks);
            }
        }

        private static bool IsCatchAll(ControlFlowRegion handler)
            => handler.Kind == ControlFlowRegionKind.Catch
                && (handler.ExceptionType is null
                    || handler.ExceptionType.SpecialType == SpecialType.System_Object
                    || handler.ExceptionType is { Name: "Exception", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } });

        private static bool AnyRelease(ControlFlowRegion region, bool[] releaseBlocks)
        {
            for (var ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal; ordinal++)
            {
                if (releaseBlocks[ordinal])
                {
                    return true;
                }
            }

            return false;
        }

        private static void Mark(bool[] covered, ControlFlowRegion region)
        {
            for (var ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal; ordinal++)
            {
                covered[ordinal] = true;
            }
        }

        private bool ContainsRelease(IOperation operation)
        {
            foreach (var node in operation.DescendantsAndSelf())
            {
                if (node is IInvocationOperation invocation && _isRelease(invocation, _state))
                {
                    return true;
                }
            }

            return false;
        }

        private bool ContainsAcquire(IOperation operation)
        {
            if (!operation.Syntax.Span.Contains(_acquireSyntax.Span))
            {
                return false;
            }

            foreach (var node in operation.DescendantsAndSelf())
            {
                if (node is IInvocationOperation { IsImplicit: false } invocation && invocation.Syntax == _acquireSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static IOperation StripAwait(IOperation operation)
            => operation is IAwaitOperation await ? await.Operation.WalkDownConversions() : operation;
    }
}
