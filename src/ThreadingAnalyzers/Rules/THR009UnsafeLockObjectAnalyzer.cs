using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR009: a <c>lock</c> (or <c>Monitor.Enter</c>/<c>TryEnter</c>) on an object that other code can lock too or that is
/// not the same object for every thread: <c>this</c>, <c>typeof(T)</c>, a string, a field that is not readonly, a
/// new object, a boxed value, a <c>Type</c>, <c>Thread</c> or <c>MarshalByRefObject</c>.
/// </summary>
/// <remarks>
/// Locals, parameters and properties stay silent: a local created before threads that capture it is a sound
/// private lock, and what a property or a parameter returns is not visible here.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR009UnsafeLockObjectAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: what is wrong with the lock object, one of the <c>Kind*</c> values.</summary>
    public const string KindProperty = "Kind";

    public const string KindThis = "This";
    public const string KindTypeOf = "TypeOf";
    public const string KindString = "String";
    public const string KindNewObject = "NewObject";
    public const string KindBoxed = "Boxed";
    public const string KindSharedType = "SharedType";
    public const string KindMutableField = "MutableField";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR009UnsafeLockObject);

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
            var monitor = new TypeGate(types, static t => t.Monitor is not null);
            SyntaxTrigger.Register(start, context => AnalyzeLock(context, types), SyntaxKind.LockStatement);
            SyntaxTrigger.RegisterCalls(start, static name => name is "Enter" or "TryEnter", monitor.Guard(context => AnalyzeMonitorCall(context, types)));
        });
    }

    private static void AnalyzeLock(SyntaxTrigger context, WellKnownTypes types)
    {
        var syntax = (LockStatementSyntax)context.Node;
        if (context.SemanticModel.GetOperation(syntax, context.CancellationToken) is ILockOperation { LockedValue: { } locked })
        {
            Analyze(context, types, locked, syntax.Expression);
        }
    }

    private static void AnalyzeMonitorCall(SyntaxTrigger context, WellKnownTypes types)
    {
        var syntax = (InvocationExpressionSyntax)context.Node;
        if (syntax.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enter" or "TryEnter" }
            || syntax.ArgumentList.Arguments.Count == 0
            || context.SemanticModel.GetOperation(syntax, context.CancellationToken) is not IInvocationOperation invocation
            || !WellKnownTypes.IsMethod(invocation.TargetMethod, types.Monitor, invocation.TargetMethod.Name)
            || LockFacts.ArgumentFor(invocation, 0) is not { } locked)
        {
            return;
        }

        Analyze(context, types, locked, locked.Syntax);
    }

    private static void Analyze(SyntaxTrigger context, WellKnownTypes types, IOperation locked, SyntaxNode location)
    {
        if (Classify(locked, types) is not { } finding)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR009UnsafeLockObject,
            location.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(KindProperty, finding.Kind),
            finding.Subject,
            finding.Reason));
    }

    private static (string Kind, string Subject, string Reason)? Classify(IOperation locked, WellKnownTypes types)
    {
        if (locked is IConversionOperation { Operand.Type: { IsValueType: true } valueType, Type.IsReferenceType: true } boxing)
        {
            return (KindBoxed, "'" + boxing.Operand.Syntax + "'",
                "the " + valueType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " value is boxed into a new object at every call, so no two threads share the lock and Monitor.Exit throws SynchronizationLockException");
        }

        var value = locked.WalkDownConversions();
        var text = "'" + value.Syntax + "'";
        switch (value)
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return (KindThis, "'this'", "any code that holds a reference to this object can lock it too and block or deadlock this class");
            case ITypeOfOperation:
                return (KindTypeOf, text, "the Type object is shared by the whole process, so unrelated code can take the same lock");
            case IObjectCreationOperation or IAnonymousObjectCreationOperation or IArrayCreationOperation:
                return (KindNewObject, "a new object", "every execution locks a different object, so the lock excludes no other thread");
        }

        if (value.Type?.SpecialType == SpecialType.System_String)
        {
            return (KindString, text, "strings are interned and shared across the process, so unrelated code can take the same lock");
        }

        if (WellKnownTypes.IsOrDerivesFrom(value.Type, types.Type))
        {
            return (KindSharedType, text, "Type objects are shared by the whole process, so unrelated code can take the same lock");
        }

        if (WellKnownTypes.IsOrDerivesFrom(value.Type, types.Thread))
        {
            return (KindSharedType, text, "a Thread object is visible to any code that can reach the thread, which can lock it too");
        }

        // Weak identity across app domains and remoting proxies exists on .NET Framework only (System.Object in mscorlib).
        if (WellKnownTypes.IsOrDerivesFrom(value.Type, types.MarshalByRefObject) && types.Object.ContainingAssembly?.Name == "mscorlib")
        {
            return (KindSharedType, text, "a MarshalByRefObject has a weak identity: code in another app domain or behind a remoting proxy can lock the same object");
        }

        if (value is IFieldReferenceOperation { Field: { IsReadOnly: false, IsConst: false } })
        {
            return (KindMutableField, text, "the field is not readonly, so assigning it while the lock is held makes threads lock different objects");
        }

        return null;
    }
}
