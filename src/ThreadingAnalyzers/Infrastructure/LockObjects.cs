using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Which object a lock expression denotes: whether two lock expressions in one method name the same object, and
/// a key that names it across methods (the field, the type for <c>this</c>/<c>typeof</c>, the string constant).
/// </summary>
internal static class LockObjects
{
    /// <summary>
    /// True when both expressions name the same object in one method: the same local, parameter or static field,
    /// <c>this</c>, the same field or property of the same object, <c>typeof</c> of one type, or one string constant.
    /// </summary>
    public static bool AreSame(IOperation first, IOperation second)
    {
        var a = first.WalkDownConversions();
        var b = second.WalkDownConversions();
        switch (a)
        {
            case IInstanceReferenceOperation:
                return b is IInstanceReferenceOperation;
            case ILocalReferenceOperation local:
                return b is ILocalReferenceOperation otherLocal && SymbolEqualityComparer.Default.Equals(local.Local, otherLocal.Local);
            case IParameterReferenceOperation parameter:
                return b is IParameterReferenceOperation otherParameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, otherParameter.Parameter);
            case IFieldReferenceOperation field:
                return b is IFieldReferenceOperation otherField
                    && SymbolEqualityComparer.Default.Equals(field.Field, otherField.Field)
                    && SameInstance(field.Instance, otherField.Instance);
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return b is IPropertyReferenceOperation { Arguments.Length: 0 } otherProperty
                    && SymbolEqualityComparer.Default.Equals(property.Property, otherProperty.Property)
                    && SameInstance(property.Instance, otherProperty.Instance);
            case ITypeOfOperation typeOf:
                return b is ITypeOfOperation otherTypeOf && SymbolEqualityComparer.Default.Equals(typeOf.TypeOperand, otherTypeOf.TypeOperand);
            default:
                return a.ConstantValue is { HasValue: true, Value: string text }
                    && b.ConstantValue is { HasValue: true, Value: string otherText }
                    && text == otherText;
        }
    }

    /// <summary>
    /// A key for the object across methods of one compilation, or null when it cannot be named that way (a local,
    /// a parameter, a call result). Instance fields are keyed by the field: all instances count as one lock,
    /// which is what an order between two fields of a type means.
    /// </summary>
    public static object? GetKey(IOperation lockObject)
    {
        var value = lockObject.WalkDownConversions();
        switch (value)
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } instance when instance.Type is { } type:
                return new ThisKey(type);
            case IFieldReferenceOperation field:
                return field.Field.OriginalDefinition;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return property.Property.OriginalDefinition;
            case ITypeOfOperation typeOf:
                return new TypeOfKey(typeOf.TypeOperand);
            default:
                return value.ConstantValue is { HasValue: true, Value: string text } ? "\"" + text + "\"" : null;
        }
    }

    /// <summary>How a lock object is written in messages: as the user wrote it (<c>_gate</c>, <c>this</c>, <c>typeof(C)</c>).</summary>
    public static string Describe(IOperation lockObject)
    {
        var value = lockObject.WalkDownConversions();
        return value is IInstanceReferenceOperation { IsImplicit: true } ? "this" : value.Syntax.ToString();
    }

    /// <summary>How a key from <see cref="GetKey"/> is written in messages.</summary>
    public static string DescribeKey(object key) => key switch
    {
        ThisKey thisKey => "this (" + thisKey.Type.Name + ")",
        TypeOfKey typeOf => "typeof(" + typeOf.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ")",
        IFieldSymbol field => field.ContainingType.Name + "." + field.Name,
        IPropertySymbol property => property.ContainingType.Name + "." + property.Name,
        _ => key.ToString() ?? string.Empty,
    };

    private static bool SameInstance(IOperation? first, IOperation? second)
    {
        if (first is null || second is null)
        {
            return first is null && second is null;
        }

        return AreSame(first, second);
    }

    private sealed class ThisKey
    {
        public ThisKey(ITypeSymbol type) => Type = type;

        public ITypeSymbol Type { get; }

        public override bool Equals(object? obj) => obj is ThisKey other && SymbolEqualityComparer.Default.Equals(Type.OriginalDefinition, other.Type.OriginalDefinition);

        public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Type.OriginalDefinition);
    }

    private sealed class TypeOfKey
    {
        public TypeOfKey(ITypeSymbol type) => Type = type;

        public ITypeSymbol Type { get; }

        public override bool Equals(object? obj) => obj is TypeOfKey other && SymbolEqualityComparer.Default.Equals(Type, other.Type);

        public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Type);
    }
}
