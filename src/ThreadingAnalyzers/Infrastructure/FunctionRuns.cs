using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>How often a lambda, anonymous method or local function can run, judged from how it is used.</summary>
internal enum FunctionRunKind
{
    /// <summary>Nothing shows that it runs more than once.</summary>
    Unknown,

    /// <summary>Subscribed to an event: runs once per raise.</summary>
    EventHandler,

    /// <summary>A periodic timer callback.</summary>
    TimerCallback,

    /// <summary>A local function called from several places or from a loop.</summary>
    CalledRepeatedly,
}

internal static class FunctionRuns
{
    /// <summary>How a delegate-producing operation (lambda, method reference) is consumed.</summary>
    public static FunctionRunKind ClassifyDelegateUse(IOperation function, WellKnownTypes types)
    {
        var parent = function.WalkUpConversions();
        switch (parent)
        {
            case IEventAssignmentOperation { Adds: true }:
                return FunctionRunKind.EventHandler;
            case IArgumentOperation { Parent: IObjectCreationOperation creation } when WellKnownTypes.Is(creation.Type, types.ThreadingTimer):
                foreach (var argument in creation.Arguments)
                {
                    if (argument.Parameter?.Name == "period" && argument.Value.IsInfiniteTimeout())
                    {
                        return FunctionRunKind.Unknown;
                    }
                }

                return FunctionRunKind.TimerCallback;
            default:
                return FunctionRunKind.Unknown;
        }
    }

    /// <summary>How often the local function <paramref name="localFunction"/> can run, judged from its uses inside <paramref name="root"/>.</summary>
    public static FunctionRunKind ClassifyLocalFunction(IMethodSymbol localFunction, IOperation root, WellKnownTypes types)
    {
        var calls = 0;
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, localFunction):
                    calls++;
                    if (calls > 1 || invocation.GetEnclosingLoop() is not null)
                    {
                        return FunctionRunKind.CalledRepeatedly;
                    }

                    break;
                case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, localFunction):
                    var kind = ClassifyDelegateUse(reference, types);
                    if (kind != FunctionRunKind.Unknown)
                    {
                        return kind;
                    }

                    break;
            }
        }

        return FunctionRunKind.Unknown;
    }
}
