using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Whether a thread was made a background thread before it ran.</summary>
internal enum BackgroundSetting
{
    /// <summary>Nothing sets <c>IsBackground</c>, or only to <c>false</c>: the thread keeps the process alive.</summary>
    Foreground,

    /// <summary><c>IsBackground</c> is set to something other than a constant <c>false</c>.</summary>
    Background,

    /// <summary>The thread is handed to code that may set it (passed to a call, kept somewhere else).</summary>
    Unknown,
}

/// <summary>
/// Facts about <c>new Thread(…)</c>: the function it runs, where the thread object is kept, and whether it is made a
/// background thread. Shared by the lifecycle rules (THR005, THR006, THR011).
/// </summary>
internal static class ThreadCreations
{
    /// <summary>
    /// Cheap syntax prefilter: <c>new Thread(…)</c>, <c>new System.Threading.Thread(…)</c> or a target-typed <c>new(…)</c>
    /// that can be a thread: one or two arguments (every <c>Thread</c> constructor takes a delegate and maybe a stack
    /// size), the first not a constant, and not declared with a type that is plainly no thread (generic, predefined, array).
    /// </summary>
    public static bool MayCreateThread(SyntaxNode node) => node switch
    {
        ObjectCreationExpressionSyntax creation => RightmostName(creation.Type) == "Thread",
        ImplicitObjectCreationExpressionSyntax implicitCreation => ImplicitMayCreateThread(implicitCreation),
        _ => false,
    };

    private static bool ImplicitMayCreateThread(ImplicitObjectCreationExpressionSyntax creation)
    {
        var arguments = creation.ArgumentList.Arguments;
        if (arguments.Count is < 1 or > 2
            || arguments[0].Expression is LiteralExpressionSyntax literal
                && !literal.IsKind(SyntaxKind.NullLiteralExpression) && !literal.IsKind(SyntaxKind.DefaultLiteralExpression))
        {
            return false;
        }

        var declared = creation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } }
            ? declaration.Type
            : null;
        if (declared is NullableTypeSyntax nullable)
        {
            declared = nullable.ElementType;
        }

        return declared is not (GenericNameSyntax or PredefinedTypeSyntax or ArrayTypeSyntax or TupleTypeSyntax or PointerTypeSyntax)
            && declared is not QualifiedNameSyntax { Right: GenericNameSyntax };
    }

    /// <summary>The creation as a <c>Thread</c> construction, or null.</summary>
    public static IObjectCreationOperation? GetThreadCreation(SemanticModel model, SyntaxNode node, WellKnownTypes types, CancellationToken cancellationToken)
        => model.GetOperation(node, cancellationToken) is IObjectCreationOperation creation && WellKnownTypes.Is(creation.Type, types.Thread)
            ? creation
            : null;

    /// <summary>The <c>ThreadStart</c> or <c>ParameterizedThreadStart</c> argument, as written (delegate creation, local…).</summary>
    public static IOperation? GetStartDelegate(IObjectCreationOperation creation)
    {
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
            {
                return argument.Value.WalkDownConversions();
            }
        }

        return null;
    }

    /// <summary>The lambda, anonymous method or method a delegate value runs, when it is written right there.</summary>
    public static IMethodSymbol? GetDelegateTarget(IOperation? delegateValue) => delegateValue?.WalkDownConversions() switch
    {
        IDelegateCreationOperation { Target: IAnonymousFunctionOperation function } => function.Symbol,
        IDelegateCreationOperation { Target: IMethodReferenceOperation reference } => reference.Method,
        IAnonymousFunctionOperation function => function.Symbol,
        IMethodReferenceOperation reference => reference.Method,
        _ => null,
    };

    /// <summary>
    /// The body a delegate value runs: a lambda's body, a local function's body in <paramref name="root"/>, or the body
    /// of a method declared in source. Null when it is not visible (a delegate variable, metadata).
    /// </summary>
    public static IOperation? GetDelegateBody(IOperation? delegateValue, IOperation root, SemanticModel model, CancellationToken cancellationToken)
        => delegateValue?.WalkDownConversions() switch
        {
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation function } => function.Body,
            IDelegateCreationOperation { Target: IMethodReferenceOperation reference } => FunctionBodies.Get(reference.Method, root, model, cancellationToken),
            _ => null,
        };

    /// <summary>The local or field a creation is assigned to (<c>var t = new Thread(…)</c>, <c>_worker = new Thread(…)</c>), or null.</summary>
    public static ISymbol? GetStorage(IObjectCreationOperation creation)
    {
        var parent = creation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment when assignment.Value.WalkDownConversions() == creation => assignment.Target.GetStorageSymbol(),
            _ => null,
        };
    }

    /// <summary>True when the creation is only used as the receiver of a member access (<c>new Thread(…).Start()</c>).</summary>
    public static bool IsUsedInline(IObjectCreationOperation creation)
    {
        var parent = creation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IInvocationOperation { Instance: { } instance } && instance.WalkDownConversions() == creation
            || parent is IPropertyReferenceOperation { Instance: { } receiver } && receiver.WalkDownConversions() == creation;
    }

    /// <summary>
    /// Whether the thread from <paramref name="creation"/> is made a background thread: by its object initializer, or by
    /// <c>x.IsBackground = …</c> on the local (anywhere in <paramref name="root"/>) or private field (anywhere in its type)
    /// that holds it. A thread that is handed elsewhere is <see cref="BackgroundSetting.Unknown"/>.
    /// </summary>
    public static BackgroundSetting GetBackgroundSetting(IObjectCreationOperation creation, IOperation root, SemanticModel model, CancellationToken cancellationToken)
    {
        var fromInitializer = InitializerSetting(creation);
        if (fromInitializer == BackgroundSetting.Background)
        {
            return fromInitializer;
        }

        if (IsUsedInline(creation))
        {
            return BackgroundSetting.Foreground;
        }

        return GetStorage(creation) switch
        {
            ILocalSymbol local => LocalSetting(local, creation, root),
            IFieldSymbol field => FieldSetting(field, model, cancellationToken),
            _ => BackgroundSetting.Unknown,
        };
    }

    private static BackgroundSetting InitializerSetting(IObjectCreationOperation creation)
    {
        if (creation.Initializer is null)
        {
            return BackgroundSetting.Foreground;
        }

        foreach (var initializer in creation.Initializer.Initializers)
        {
            if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "IsBackground" } } assignment
                && !IsConstantFalse(assignment.Value))
            {
                return BackgroundSetting.Background;
            }
        }

        return BackgroundSetting.Foreground;
    }

    /// <summary>A local: every use must be a member access on it (<c>t.Start()</c>, <c>t.IsBackground = …</c>); anything else hands the thread away.</summary>
    private static BackgroundSetting LocalSetting(ILocalSymbol local, IObjectCreationOperation creation, IOperation root)
    {
        var setting = BackgroundSetting.Foreground;
        foreach (var operation in LocalUses.Get(root).Of(local))
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var parent = reference.Parent;
            switch (parent)
            {
                case IInvocationOperation { Instance: { } instance } when instance == reference:
                    break;
                case IPropertyReferenceOperation { Instance: { } instance } property when instance == reference:
                    if (property.Property.Name == "IsBackground" && property.Parent is ISimpleAssignmentOperation backgroundWrite
                        && backgroundWrite.Target == property && !IsConstantFalse(backgroundWrite.Value))
                    {
                        setting = BackgroundSetting.Background;
                    }

                    break;
                case IConditionalAccessOperation conditional when conditional.Operation == reference:
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                    if (assignment.Value.WalkDownConversions() != creation && assignment.Value.WalkDownConversions() is not IObjectCreationOperation)
                    {
                        return BackgroundSetting.Unknown;
                    }

                    break;
                default:
                    return BackgroundSetting.Unknown;
            }
        }

        return setting;
    }

    /// <summary>A private field whose type is declared in one syntax tree: read every <c>IsBackground</c> write and every other use in that type.</summary>
    private static BackgroundSetting FieldSetting(IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || field.ContainingType is not { } type)
        {
            return BackgroundSetting.Unknown;
        }

        var setting = BackgroundSetting.Foreground;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                return BackgroundSetting.Unknown;
            }

            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != field.Name
                    || identifier.Parent is VariableDeclaratorSyntax
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, field))
                {
                    continue;
                }

                SyntaxNode use = identifier;
                if (use.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess && thisAccess.Name == use)
                {
                    use = thisAccess;
                }

                switch (use.Parent)
                {
                    case MemberAccessExpressionSyntax access when access.Expression == use:
                        if (access.Name.Identifier.ValueText == "IsBackground" && access.Parent is AssignmentExpressionSyntax write
                            && write.Left == access && !write.Right.IsKind(SyntaxKind.FalseLiteralExpression))
                        {
                            setting = BackgroundSetting.Background;
                        }

                        break;
                    case ConditionalAccessExpressionSyntax conditional when conditional.Expression == use:
                        break;
                    case AssignmentExpressionSyntax assignment when assignment.Left == use && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                        break;
                    default:
                        return BackgroundSetting.Unknown;
                }
            }
        }

        return setting;
    }

    private static bool IsConstantFalse(IOperation value)
        => value.WalkDownConversions().ConstantValue is { HasValue: true, Value: false };

    private static string? RightmostName(TypeSyntax type) => type switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };
}
