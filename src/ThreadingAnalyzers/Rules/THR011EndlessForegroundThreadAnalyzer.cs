using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR011: <c>new Thread(…)</c> whose function loops forever (<c>while (true)</c>, <c>for (;;)</c>, a flag nothing
/// changes; no break, return, throw or exit call) and which is never made a background thread. Such a thread keeps
/// the process alive after <c>Main</c> returns.
/// </summary>
/// <remarks>
/// Triggered on object creations named <c>Thread</c>; the thread's function is read when it is a
/// lambda, a local function or a method in source, and calls made by its top-level statements are followed
/// a few levels deep. A thread handed to other code (passed to a call, stored in a non-private field) is left alone:
/// that code may set <c>IsBackground</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR011EndlessForegroundThreadAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: present when the code sets <c>IsBackground = false</c> explicitly, so the fixer must not flip it.</summary>
    public const string ExplicitForegroundProperty = "ExplicitForeground";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR011EndlessForegroundThread);

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

            SyntaxTrigger.RegisterForWholeCompilation(start, 
                gate.Guard(context => AnalyzeCreation(context, types)),
                SyntaxKind.ObjectCreationExpression,
                SyntaxKind.ImplicitObjectCreationExpression);
        });
    }

    private static void AnalyzeCreation(SyntaxTrigger context, WellKnownTypes types)
    {
        if (!ThreadCreations.MayCreateThread(context.Node)
            || ThreadCreations.GetThreadCreation(context.SemanticModel, context.Node, types, context.CancellationToken) is not { } creation)
        {
            return;
        }

        var root = FlowGraphs.GetRoot(creation);
        var startDelegate = ThreadCreations.GetStartDelegate(creation);
        if (ThreadCreations.GetDelegateTarget(startDelegate) is not { IsAsync: false } target
            || context.KeepForCompilationEnd()
            || ThreadCreations.GetDelegateBody(startDelegate, root, context.SemanticModel, context.CancellationToken) is not { } body)
        {
            return;
        }

        var endless = EndlessLoops.Find(body, root, context.SemanticModel, context.CancellationToken);
        if (endless is null
            || ThreadCreations.GetBackgroundSetting(creation, root, context.SemanticModel, context.CancellationToken) != BackgroundSetting.Foreground
            || !IsStarted(creation, root))
        {
            return;
        }

        var properties = SetsForegroundExplicitly(creation, root)
            ? ImmutableDictionary<string, string?>.Empty.Add(ExplicitForegroundProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        var loopLocation = endless.Loop.Syntax.SyntaxTree == context.Node.SyntaxTree ? new[] { endless.Loop.Syntax.GetLocation() } : null;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR011EndlessForegroundThread,
            context.Node.GetLocation(),
            loopLocation,
            properties,
            Subject(creation, target),
            endless.Description));
    }

    /// <summary>"Thread 'pump'", "The thread running 'Pump'" or "This thread".</summary>
    private static string Subject(IObjectCreationOperation creation, IMethodSymbol target)
    {
        if (ThreadCreations.GetStorage(creation) is { } storage)
        {
            return "Thread '" + storage.Name + "'";
        }

        return target.MethodKind == MethodKind.AnonymousFunction ? "This thread" : "The thread running '" + target.Name + "'";
    }

    /// <summary>
    /// Started inline (<c>new Thread(…).Start()</c>), through its local anywhere in the member, or through its private
    /// field anywhere in the type (checked by <see cref="ThreadCreations.GetBackgroundSetting"/>, which returns
    /// <see cref="BackgroundSetting.Unknown"/> for anything that is not a local or a private field).
    /// </summary>
    private static bool IsStarted(IObjectCreationOperation creation, IOperation root)
    {
        if (ThreadCreations.IsUsedInline(creation))
        {
            return creation.WalkUpConversions() is IInvocationOperation { TargetMethod.Name: "Start" or "UnsafeStart" };
        }

        if (ThreadCreations.GetStorage(creation) is not ILocalSymbol local)
        {
            return true;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Start" or "UnsafeStart", Instance: { } instance }
                && instance.GetStorageSymbol() is { } started && SymbolEqualityComparer.Default.Equals(started, local))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SetsForegroundExplicitly(IObjectCreationOperation creation, IOperation root)
    {
        var storage = ThreadCreations.GetStorage(creation);
        if (creation.Initializer is { } initializer)
        {
            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "IsBackground" } })
                {
                    return true;
                }
            }
        }

        if (storage is null)
        {
            return false;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "IsBackground", Instance: { } instance } }
                && SymbolEqualityComparer.Default.Equals(instance.GetStorageSymbol(), storage))
            {
                return true;
            }
        }

        return false;
    }
}
