using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Where an operation sits relative to the lambdas and local functions around it.</summary>
internal static class NestedFunctions
{
    /// <summary>
    /// The nearest lambda, anonymous method or local function between <paramref name="operation"/> and
    /// <paramref name="boundary"/> (exclusive); null when the operation runs as part of <paramref name="boundary"/> itself.
    /// </summary>
    public static IOperation? GetEnclosingFunctionOrNull(this IOperation operation, IOperation boundary)
    {
        for (var current = operation.Parent; current is not null && current != boundary; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }
}
