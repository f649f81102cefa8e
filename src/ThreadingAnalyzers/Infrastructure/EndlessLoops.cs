using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>A loop that can never end, and why.</summary>
internal sealed class EndlessLoop
{
    public EndlessLoop(ILoopOperation loop, string description)
    {
        Loop = loop;
        Description = description;
    }

    public ILoopOperation Loop { get; }

    /// <summary>E.g. "'while (true)' has no break, return or throw", "nothing ever sets 'running' to false".</summary>
    public string Description { get; }
}

/// <summary>
/// Finds loops that never end: the condition is <c>true</c> (or missing, or a flag nothing ever changes) and nothing
/// inside leaves the loop — no <c>break</c> to it, <c>return</c>, <c>throw</c>, <c>goto</c> out of it, call that does
/// not return (<c>Environment.Exit</c>, <c>[DoesNotReturn]</c>, <c>ThrowIfCancellationRequested</c>), and no
/// enclosing <c>try</c>/<c>catch</c> in the same function that would end it on an exception.
/// </summary>
internal static class EndlessLoops
{
    private const int MaxCallDepth = 3;

    /// <summary>
    /// The first endless loop that a function body runs: in the body itself, or in a method called by one of its
    /// top-level statements (followed up to a small depth, source methods only). Null when none is found.
    /// </summary>
    public static EndlessLoop? Find(IOperation body, IOperation root, SemanticModel model, CancellationToken cancellationToken)
        => Find(body, root, model, depth: 0, visited: null, cancellationToken);

    private static EndlessLoop? Find(IOperation body, IOperation root, SemanticModel model, int depth, HashSet<IMethodSymbol>? visited, CancellationToken cancellationToken)
    {
        foreach (var operation in body.Descendants())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (operation is ILoopOperation loop && operation.GetEnclosingFunctionOrNull(body) is null
                && Classify(loop, body, model, cancellationToken) is { } description)
            {
                return new EndlessLoop(loop, description);
            }
        }

        if (depth >= MaxCallDepth)
        {
            return null;
        }

        // Follow the calls the body makes unconditionally: '() => Run()', '{ Init(); Pump(); }'.
        foreach (var statement in TopLevelStatements(body))
        {
            var call = statement switch
            {
                IExpressionStatementOperation { Operation: IInvocationOperation invocation } => invocation,
                IReturnOperation { ReturnedValue: IInvocationOperation invocation } => invocation,
                _ => null,
            };
            if (call is null || call.TargetMethod.IsVirtual || call.TargetMethod.IsAbstract)
            {
                continue;
            }

            visited ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (!visited.Add(call.TargetMethod.OriginalDefinition))
            {
                continue;
            }

            if (FunctionBodies.Get(call.TargetMethod, root, model, cancellationToken) is { } callee
                && Find(callee, FlowGraphs.GetRoot(callee), model, depth + 1, visited, cancellationToken) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static IEnumerable<IOperation> TopLevelStatements(IOperation body)
    {
        if (body is IBlockOperation block)
        {
            foreach (var statement in block.Operations)
            {
                yield return statement;
            }
        }
        else
        {
            yield return body;
        }
    }

    /// <summary>The reason <paramref name="loop"/> never ends, or null when it may.</summary>
    private static string? Classify(ILoopOperation loop, IOperation body, SemanticModel model, CancellationToken cancellationToken)
    {
        var condition = ConditionReason(loop, model, cancellationToken);
        if (condition is null || HasExit(loop) || IsInsideTryWithCatch(loop, body))
        {
            return null;
        }

        return condition;
    }

    private static string? ConditionReason(ILoopOperation loop, SemanticModel model, CancellationToken cancellationToken)
    {
        var (condition, header) = loop switch
        {
            IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false } whileLoop => (whileLoop.Condition, "while"),
            IWhileLoopOperation { ConditionIsTop: false, ConditionIsUntil: false } doLoop => (doLoop.Condition, "do … while"),
            IForLoopOperation forLoop => (forLoop.Condition, "for"),
            _ => ((IOperation?)null, (string?)null),
        };
        if (header is null)
        {
            return null;
        }

        if (condition is null)
        {
            return loop is IForLoopOperation ? "'for (;;)' has no break, return or throw" : null;
        }

        var value = condition.WalkDownConversions();
        if (value.ConstantValue is { HasValue: true, Value: true })
        {
            return "'" + header + " (" + value.Syntax + ")' has no break, return or throw";
        }

        var negated = false;
        if (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = true;
            value = not.Operand.WalkDownConversions();
        }

        var flag = value.GetStorageSymbol();
        if (flag is null || UnchangedValue(flag, loop, model, cancellationToken) is not bool initial || initial == negated)
        {
            return null;
        }

        return "nothing ever sets '" + flag.Name + "' to " + (negated ? "true" : "false") + " and the loop has no break, return or throw";
    }

    /// <summary>The value a bool local or field always has when nothing but its declaration assigns it; null when something may change it.</summary>
    private static bool? UnchangedValue(ISymbol flag, IOperation loop, SemanticModel model, CancellationToken cancellationToken)
    {
        switch (flag)
        {
            case ILocalSymbol { IsConst: true } constant:
                return constant.ConstantValue as bool?;
            case ILocalSymbol { IsRef: false } local when local.Type.SpecialType == SpecialType.System_Boolean:
                if (local.DeclaringSyntaxReferences.Length != 1
                    || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initial }
                    || initial.SyntaxTree != model.SyntaxTree
                    || model.GetConstantValue(initial, cancellationToken) is not { HasValue: true, Value: bool value })
                {
                    return null;
                }

                return WriteFacts.IsWrittenIn(FlowGraphs.GetRoot(loop), local) ? null : value;
            case IFieldSymbol { IsConst: true } constant:
                return constant.ConstantValue as bool?;
            case IFieldSymbol field when field.Type.SpecialType == SpecialType.System_Boolean
                && (field.DeclaredAccessibility == Accessibility.Private || field.IsReadOnly):
                return UnchangedFieldValue(field, model, cancellationToken);
            default:
                return null;
        }
    }

    private static bool? UnchangedFieldValue(IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        if (field.ContainingType is not { } type || field.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var value = false;
        if (field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initial })
        {
            if (initial.SyntaxTree != model.SyntaxTree || model.GetConstantValue(initial, cancellationToken) is not { HasValue: true, Value: bool constant })
            {
                return null;
            }

            value = constant;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == field.Name
                    && WriteFacts.IsWritePosition(identifier)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, field))
                {
                    return null;
                }
            }
        }

        return value;
    }

    private static bool HasExit(ILoopOperation loop)
    {
        foreach (var operation in loop.Body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    // Descendants() does not let us skip subtrees; exits inside nested functions are filtered below.
                    break;
                case IBranchOperation branch when operation.GetEnclosingFunctionOrNull(loop) is null:
                    if (branch.BranchKind == BranchKind.Break && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel))
                    {
                        return true;
                    }

                    if (branch.BranchKind == BranchKind.GoTo && branch.Target.DeclaringSyntaxReferences.Length == 1
                        && !loop.Syntax.Span.Contains(branch.Target.DeclaringSyntaxReferences[0].Span))
                    {
                        return true;
                    }

                    break;
                case IReturnOperation or IThrowOperation when operation.GetEnclosingFunctionOrNull(loop) is null:
                    return true;
                case IInvocationOperation invocation when operation.GetEnclosingFunctionOrNull(loop) is null && DoesNotReturn(invocation.TargetMethod):
                    return true;
            }
        }

        return false;
    }

    private static bool DoesNotReturn(IMethodSymbol method)
    {
        switch (method.Name)
        {
            case "Exit" or "FailFast" when method.ContainingType?.Name == "Environment":
            case "ThrowIfCancellationRequested":
            case "Exit" or "ExitThread" when method.ContainingType?.Name == "Application":
            case "Throw" when method.ContainingType?.Name == "ExceptionDispatchInfo":
                return true;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "DoesNotReturnAttribute")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the loop sits in the body of a <c>try</c> with a <c>catch</c>, inside the same function: an exception ends the loop.</summary>
    private static bool IsInsideTryWithCatch(IOperation loop, IOperation body)
    {
        IOperation child = loop;
        for (var current = loop.Parent; current is not null && child != body; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case ITryOperation { Catches.Length: > 0 } tryOperation when tryOperation.Body == child:
                    return true;
            }
        }

        return false;
    }
}
