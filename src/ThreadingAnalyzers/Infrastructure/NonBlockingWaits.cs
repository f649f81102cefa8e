using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Waits that return at once where they stand, so they do not block even though their API can:
/// <list type="bullet">
/// <item>the result of a task the code has seen complete: under <c>if (t.IsCompleted)</c> (or <c>IsCompletedSuccessfully</c>,
/// <c>IsFaulted</c>, <c>IsCanceled</c>, <c>t.Status == TaskStatus.RanToCompletion</c>), after <c>if (!t.IsCompleted) return;</c>,
/// in <c>case TaskStatus.RanToCompletion:</c> of <c>switch (t.Status)</c>, after <c>await t</c>/<c>t.Wait()</c>/
/// <c>await Task.WhenAll(t, …)</c>, and in a <c>ContinueWith</c> continuation of <c>t</c> (its antecedent parameter or <c>t</c> itself);</item>
/// <item>a <c>SemaphoreSlim.Wait</c> guarded by <c>CurrentCount &gt; 0</c> (the drain idiom <c>while (s.CurrentCount &gt; 0) s.Wait();</c>);</item>
/// <item>a <c>ManualResetEventSlim</c>/<c>CountdownEvent</c> wait guarded by <c>IsSet</c>;</item>
/// <item>any wait with a zero timeout (<c>Wait(0)</c>, <c>WaitOne(TimeSpan.Zero)</c>, <c>Join(0)</c>): it only polls.</item>
/// </list>
/// The guard must name the same task, semaphore or event (same local, parameter, field or property of the same object).
/// A completed task stays completed, so its guard also holds inside lambdas created under it; a semaphore count or an
/// event state can change, so those guards count only in the wait's own function.
/// </summary>
internal static class NonBlockingWaits
{
    private enum Fact
    {
        TaskCompleted,
        HasCount,
        IsSet,
    }

    /// <summary>True when <paramref name="use"/> (a <c>.Result</c>, <c>.Wait()</c> or <c>GetResult()</c>) reads a task known to be complete there.</summary>
    /// <param name="use">The blocking operation.</param>
    /// <param name="receiver">The task, or the awaiter the result is read from (<c>t.GetAwaiter()</c>, <c>t.ConfigureAwait(false).GetAwaiter()</c>).</param>
    public static bool IsCompletedTask(IOperation use, IOperation? receiver)
    {
        // Every step of t.ConfigureAwait(false).GetAwaiter() names the same task: a guard on any of them counts.
        for (var subject = receiver?.WalkDownConversions(); subject is not null; subject = NextSubject(subject))
        {
            if (IsGuarded(use, subject, Fact.TaskCompleted))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the semaphore wait <paramref name="wait"/> is guarded by a count check on the same semaphore (<c>while (s.CurrentCount &gt; 0) s.Wait();</c>).</summary>
    public static bool IsCountedSemaphore(IInvocationOperation wait)
        => wait.Instance is { } semaphore && IsGuarded(wait, semaphore.WalkDownConversions(), Fact.HasCount);

    /// <summary>True when the event wait <paramref name="wait"/> is guarded by <c>IsSet</c> on the same event.</summary>
    public static bool IsSetEvent(IInvocationOperation wait)
        => wait.Instance is { } handle && IsGuarded(wait, handle.WalkDownConversions(), Fact.IsSet);

    /// <summary>True when the wait's timeout argument is the constant <c>0</c> or <c>TimeSpan.Zero</c>: it polls and returns.</summary>
    public static bool HasZeroTimeout(IInvocationOperation wait)
    {
        foreach (var argument in wait.Arguments)
        {
            if (argument.Parameter?.Name is not ("millisecondsTimeout" or "timeout"))
            {
                continue;
            }

            var value = argument.Value.WalkDownConversions();
            return value.ConstantValue is { HasValue: true, Value: 0 or 0L }
                || value is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true, ContainingType.Name: "TimeSpan" } };
        }

        return false;
    }

    /// <summary><c>t</c> for <c>t.GetAwaiter()</c> and <c>t.ConfigureAwait(false)</c>; null otherwise.</summary>
    private static IOperation? NextSubject(IOperation subject)
        => subject is IInvocationOperation { TargetMethod.Name: "GetAwaiter" or "ConfigureAwait", Instance: { } instance }
            ? instance.WalkDownConversions()
            : null;

    private static bool IsGuarded(IOperation use, IOperation subject, Fact fact)
    {
        var child = use;
        for (var current = use.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    if (fact != Fact.TaskCompleted)
                    {
                        return false;
                    }

                    if (IsContinuationOf(lambda, subject))
                    {
                        return true;
                    }

                    break;
                case ILocalFunctionOperation:
                    return false;
                case IConditionalOperation conditional when conditional.WhenTrue == child:
                    if (Implies(conditional.Condition, subject, fact, whenTrue: true))
                    {
                        return true;
                    }

                    break;
                case IConditionalOperation conditional when conditional.WhenFalse == child:
                    if (Implies(conditional.Condition, subject, fact, whenTrue: false))
                    {
                        return true;
                    }

                    break;
                case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false, Condition: { } condition } loop when loop.Body == child:
                    if (Implies(condition, subject, fact, whenTrue: true))
                    {
                        return true;
                    }

                    break;
                case IForLoopOperation { Condition: { } condition } loop when loop.Body == child:
                    if (Implies(condition, subject, fact, whenTrue: true))
                    {
                        return true;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when conjunction.RightOperand == child:
                    if (Implies(conjunction.LeftOperand, subject, fact, whenTrue: true))
                    {
                        return true;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when disjunction.RightOperand == child:
                    if (Implies(disjunction.LeftOperand, subject, fact, whenTrue: false))
                    {
                        return true;
                    }

                    break;
                case IBlockOperation block:
                    if (GuardedByEarlierStatement(block.Operations, child, subject, fact))
                    {
                        return true;
                    }

                    break;
                case ISwitchCaseOperation switchCase:
                    if (fact == Fact.TaskCompleted && IsTerminalStatusCase(switchCase, subject)
                        || GuardedByEarlierStatement(switchCase.Body, child, subject, fact))
                    {
                        return true;
                    }

                    break;
                case ISwitchExpressionArmOperation arm when arm.Value == child:
                    if (fact == Fact.TaskCompleted && arm.Parent is ISwitchExpressionOperation switchExpression
                        && IsStatusOf(switchExpression.Value, subject) && IsTerminalStatusPattern(arm.Pattern))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// A statement before <paramref name="child"/> in the list makes the fact true: <c>if (!t.IsCompleted) return;</c>,
    /// or, for a task, <c>await t;</c>, <c>t.Wait();</c>, <c>await Task.WhenAll(t, …);</c>, <c>Task.WaitAll(t, …);</c>.
    /// </summary>
    private static bool GuardedByEarlierStatement(ImmutableArray<IOperation> statements, IOperation child, IOperation subject, Fact fact)
    {
        var index = statements.IndexOf(child);
        for (var i = 0; i < index; i++)
        {
            var statement = statements[i];
            if (statement is IConditionalOperation { WhenFalse: null, WhenTrue: { } exit } guard && Exits(exit)
                && Implies(guard.Condition, subject, fact, whenTrue: false))
            {
                return true;
            }

            if (fact == Fact.TaskCompleted && statement is IExpressionStatementOperation expression && Completes(expression.Operation, subject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when evaluating <paramref name="operation"/> waits until <paramref name="subject"/> has completed.</summary>
    private static bool Completes(IOperation operation, IOperation subject)
    {
        var value = operation.WalkDownConversions();
        if (value is IAwaitOperation awaited)
        {
            value = awaited.Operation.WalkDownConversions();
            if (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            {
                value = configured.WalkDownConversions();
            }

            if (LockObjects.AreSame(value, subject))
            {
                return true;
            }

            return value is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } } whenAll && PassesTask(whenAll, subject);
        }

        if (value is not IInvocationOperation invocation)
        {
            return false;
        }

        return invocation.TargetMethod switch
        {
            { Name: "Wait", IsStatic: false } => invocation.Arguments.Length == 0 && invocation.Instance is { } instance && LockObjects.AreSame(instance, subject),
            { Name: "WaitAll", IsStatic: true, ContainingType.Name: "Task" } => invocation.Arguments.Length == 1 && PassesTask(invocation, subject),
            _ => false,
        };
    }

    /// <summary>True when <paramref name="subject"/> is one of the tasks passed to <c>WhenAll</c>/<c>WaitAll</c> (as separate arguments or a <c>params</c> array).</summary>
    private static bool PassesTask(IInvocationOperation invocation, IOperation subject)
    {
        foreach (var argument in invocation.Arguments)
        {
            var value = argument.Value.WalkDownConversions();
            if (value is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    if (LockObjects.AreSame(element, subject))
                    {
                        return true;
                    }
                }
            }
            else if (LockObjects.AreSame(value, subject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="lambda"/> is the continuation given to <c>t.ContinueWith(…)</c> and <paramref name="subject"/>
    /// is <c>t</c> itself or the lambda's antecedent parameter: the continuation runs after the task completed.
    /// </summary>
    private static bool IsContinuationOf(IAnonymousFunctionOperation lambda, IOperation subject)
    {
        if (lambda.WalkUpConversions() is not IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ContinueWith", Instance: { } antecedent } })
        {
            return false;
        }

        if (subject is IParameterReferenceOperation parameter && lambda.Symbol.Parameters.Length > 0
            && SymbolEqualityComparer.Default.Equals(parameter.Parameter, lambda.Symbol.Parameters[0]))
        {
            return true;
        }

        return LockObjects.AreSame(antecedent, subject);
    }

    /// <summary>True when <paramref name="condition"/> having the value <paramref name="whenTrue"/> shows the fact about <paramref name="subject"/>.</summary>
    private static bool Implies(IOperation condition, IOperation subject, Fact fact, bool whenTrue)
    {
        var value = condition.WalkDownConversions();
        switch (value)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                return Implies(negation.Operand, subject, fact, !whenTrue);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when whenTrue:
                return Implies(conjunction.LeftOperand, subject, fact, whenTrue: true) || Implies(conjunction.RightOperand, subject, fact, whenTrue: true);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when !whenTrue:
                return Implies(disjunction.LeftOperand, subject, fact, whenTrue: false) || Implies(disjunction.RightOperand, subject, fact, whenTrue: false);
            case IBinaryOperation comparison:
                return ComparisonImplies(comparison, subject, fact, whenTrue);
            case IPropertyReferenceOperation property:
                return whenTrue && IsFactProperty(property, subject, fact);
            case IIsPatternOperation pattern:
                return whenTrue && fact == Fact.TaskCompleted && IsStatusOf(pattern.Value, subject) && IsTerminalStatusPattern(pattern.Pattern);
            default:
                return false;
        }
    }

    /// <summary><c>t.IsCompleted</c>, <c>t.IsCompletedSuccessfully</c>, <c>t.IsFaulted</c>, <c>t.IsCanceled</c>; <c>e.IsSet</c>.</summary>
    private static bool IsFactProperty(IPropertyReferenceOperation property, IOperation subject, Fact fact)
    {
        var matches = fact switch
        {
            Fact.TaskCompleted => property.Property.Name is "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled",
            Fact.IsSet => property.Property.Name == "IsSet",
            _ => false,
        };
        return matches && property.Instance is { } instance && LockObjects.AreSame(instance, subject);
    }

    /// <summary><c>t.Status == TaskStatus.RanToCompletion</c> (or <c>!=</c> when false); <c>s.CurrentCount &gt; 0</c> (or <c>== 0</c> when false).</summary>
    private static bool ComparisonImplies(IBinaryOperation comparison, IOperation subject, Fact fact, bool whenTrue)
    {
        var kind = comparison.OperatorKind;
        IOperation left = comparison.LeftOperand.WalkDownConversions(), right = comparison.RightOperand.WalkDownConversions();
        if (right is IPropertyReferenceOperation && left is not IPropertyReferenceOperation)
        {
            (left, right) = (right, left);
            kind = kind switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => kind,
            };
        }

        switch (fact)
        {
            case Fact.TaskCompleted when IsStatusOf(left, subject) && IsTerminalStatus(right):
                return kind == (whenTrue ? BinaryOperatorKind.Equals : BinaryOperatorKind.NotEquals);
            case Fact.HasCount when left is IPropertyReferenceOperation { Property.Name: "CurrentCount", Instance: { } instance }
                && LockObjects.AreSame(instance, subject) && right.ConstantValue is { HasValue: true, Value: int bound }:
                return whenTrue
                    ? kind == BinaryOperatorKind.GreaterThan && bound >= 0 || kind == BinaryOperatorKind.GreaterThanOrEqual && bound >= 1 || kind == BinaryOperatorKind.NotEquals && bound == 0
                    : kind == BinaryOperatorKind.Equals && bound == 0 || kind == BinaryOperatorKind.LessThanOrEqual && bound == 0 || kind == BinaryOperatorKind.LessThan && bound == 1;
            default:
                return false;
        }
    }

    /// <summary>True for <c>t.Status</c> where <c>t</c> is <paramref name="subject"/>.</summary>
    private static bool IsStatusOf(IOperation value, IOperation subject)
        => value.WalkDownConversions() is IPropertyReferenceOperation { Property.Name: "Status", Instance: { } instance } && LockObjects.AreSame(instance, subject);

    /// <summary>
    /// True when every label of the switch section is a final task status (<c>RanToCompletion</c>, <c>Faulted</c>,
    /// <c>Canceled</c>) and the switch is on <c>t.Status</c>.
    /// </summary>
    private static bool IsTerminalStatusCase(ISwitchCaseOperation switchCase, IOperation subject)
    {
        if (switchCase.Parent is not ISwitchOperation switchOperation || !IsStatusOf(switchOperation.Value, subject) || switchCase.Clauses.IsEmpty)
        {
            return false;
        }

        foreach (var clause in switchCase.Clauses)
        {
            var terminal = clause switch
            {
                ISingleValueCaseClauseOperation single => IsTerminalStatus(single.Value),
                IPatternCaseClauseOperation { Guard: null } pattern => IsTerminalStatusPattern(pattern.Pattern),
                _ => false,
            };
            if (!terminal)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTerminalStatusPattern(IPatternOperation pattern) => pattern switch
    {
        IConstantPatternOperation constant => IsTerminalStatus(constant.Value),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } either => IsTerminalStatusPattern(either.LeftPattern) && IsTerminalStatusPattern(either.RightPattern),
        _ => false,
    };

    /// <summary><c>TaskStatus.RanToCompletion</c> (5), <c>Canceled</c> (6) or <c>Faulted</c> (7).</summary>
    private static bool IsTerminalStatus(IOperation value)
    {
        var operation = value.WalkDownConversions();
        return operation.Type is { Name: "TaskStatus", ContainingNamespace.Name: "Tasks" }
            && operation.ConstantValue is { HasValue: true, Value: int status } && status is 5 or 6 or 7;
    }

    private static bool Exits(IOperation statement) => statement switch
    {
        IReturnOperation or IThrowOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => Exits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };
}
