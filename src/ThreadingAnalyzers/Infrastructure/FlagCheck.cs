using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>A test of one storage location against a constant: <c>!done</c>, <c>state == 2</c>, <c>_value is null</c>, <c>Volatile.Read(ref done)</c>.</summary>
internal sealed class FlagCheck
{
    private FlagCheck(IOperation reference, ISymbol storage, object? value, bool equal, bool volatileRead)
    {
        Reference = reference;
        Storage = storage;
        Value = value;
        Equal = equal;
        VolatileRead = volatileRead;
    }

    /// <summary>The reference to the storage inside the check.</summary>
    public IOperation Reference { get; }

    /// <summary>The field, auto-property, local or parameter tested.</summary>
    public ISymbol Storage { get; }

    /// <summary>The constant it is compared with (<c>true</c> for a plain bool test).</summary>
    public object? Value { get; }

    /// <summary>True when the check is "storage == Value", false when it is "storage != Value".</summary>
    public bool Equal { get; }

    /// <summary>True when the storage is read with <c>Volatile.Read</c>.</summary>
    public bool VolatileRead { get; }

    public static FlagCheck? Parse(IOperation check, WellKnownTypes types) => Parse(check, types, equal: true, depth: 0);

    private static FlagCheck? Parse(IOperation check, WellKnownTypes types, bool equal, int depth)
    {
        if (depth > 8)
        {
            return null;
        }

        var operation = check.WalkDownConversions();
        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Parse(not.Operand, types, !equal, depth + 1);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var isEqual = binary.OperatorKind == BinaryOperatorKind.Equals;
                if (binary.RightOperand.WalkDownConversions().ConstantValue is { HasValue: true } right)
                {
                    return FromReference(binary.LeftOperand, types, right.Value, isEqual == equal);
                }

                if (binary.LeftOperand.WalkDownConversions().ConstantValue is { HasValue: true } left)
                {
                    return FromReference(binary.RightOperand, types, left.Value, isEqual == equal);
                }

                return null;
            case IIsPatternOperation pattern:
                var patternEqual = equal;
                var inner = pattern.Pattern;
                if (inner is INegatedPatternOperation negated)
                {
                    patternEqual = !patternEqual;
                    inner = negated.Pattern;
                }

                return inner is IConstantPatternOperation { Value.ConstantValue: { HasValue: true } constant }
                    ? FromReference(pattern.Value, types, constant.Value, patternEqual)
                    : null;
            default:
                return operation.Type?.SpecialType == SpecialType.System_Boolean ? FromReference(operation, types, true, equal) : null;
        }
    }

    private static FlagCheck? FromReference(IOperation reference, WellKnownTypes types, object? value, bool equal)
    {
        var operation = reference.WalkDownConversions();
        var volatileRead = false;
        if (operation is IInvocationOperation { Arguments.Length: 1 } read && WellKnownTypes.IsMethod(read.TargetMethod, types.Volatile, "Read"))
        {
            operation = read.Arguments[0].Value.WalkDownConversions();
            volatileRead = true;
        }

        return StorageWrites.StorageOf(operation) is { } symbol ? new FlagCheck(operation, symbol, value, equal, volatileRead) : null;
    }
}
