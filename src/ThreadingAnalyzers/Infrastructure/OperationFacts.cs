using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Small, allocation-free questions about operations that several rules ask.</summary>
internal static class OperationFacts
{
    /// <summary>Skips implicit and explicit conversions and parentheses.</summary>
    public static IOperation WalkDownConversions(this IOperation operation)
    {
        var current = operation;
        while (true)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    continue;
                default:
                    return current;
            }
        }
    }

    /// <summary>Skips conversions, parentheses and delegate creations upwards.</summary>
    public static IOperation? WalkUpConversions(this IOperation operation)
    {
        var current = operation.Parent;
        while (current is IConversionOperation or IParenthesizedOperation or IDelegateCreationOperation)
        {
            current = current.Parent;
        }

        return current;
    }

    /// <summary>
    /// The storage an operation reads or writes when it names one directly: a local, a parameter, a static
    /// field, or an instance field of <c>this</c>. Null for anything else (another object's field, an element, a call).
    /// </summary>
    public static ISymbol? GetStorageSymbol(this IOperation? operation)
    {
        switch (operation?.WalkDownConversions())
        {
            case ILocalReferenceOperation local:
                return local.Local;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter;
            case IFieldReferenceOperation field when field.Field.IsStatic || field.Instance.IsThisReference():
                return field.Field;
            default:
                return null;
        }
    }

    /// <summary>
    /// True for <c>this</c> (explicit or implicit) of the containing type; false for the implicit receiver of an object
    /// or collection initializer (<c>new T { F = 1 }</c>), which is the new object.
    /// </summary>
    public static bool IsThisReference(this IOperation? operation)
        => operation is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>True when <paramref name="symbols"/> holds <paramref name="symbol"/>.</summary>
    public static bool ContainsSymbol<TSymbol>(this System.Collections.Immutable.ImmutableArray<TSymbol> symbols, ISymbol symbol)
        where TSymbol : ISymbol
    {
        foreach (var candidate in symbols)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The type of a local, parameter, field or property.</summary>
    public static ITypeSymbol? GetStorageType(this ISymbol? symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };

    /// <summary>The nearest enclosing loop of <paramref name="operation"/> that is inside the same function.</summary>
    public static ILoopOperation? GetEnclosingLoop(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation loop:
                    return loop;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The nearest enclosing lambda, anonymous method or local function, or null for the member body itself.</summary>
    public static IOperation? GetEnclosingFunction(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="operation"/> is a compile-time constant <c>-1</c> (Timeout.Infinite) or Timeout.InfiniteTimeSpan.</summary>
    public static bool IsInfiniteTimeout(this IOperation operation)
    {
        var value = operation.WalkDownConversions();
        if (value.ConstantValue is { HasValue: true, Value: int intValue })
        {
            return intValue == -1;
        }

        if (value.ConstantValue is { HasValue: true, Value: long longValue })
        {
            return longValue == -1;
        }

        return value is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType.Name: "Timeout" } };
    }
}
