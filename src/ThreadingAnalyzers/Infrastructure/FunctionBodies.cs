using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// The operation body of a method that a rule wants to look into (a thread's entry point, a method it calls): a
/// local function found in the member being analyzed, or a source method bound through the concurrency layer's
/// shared semantic models (<see cref="ConcurrencyModel.GetMethodBody"/>).
/// </summary>
internal static class FunctionBodies
{
    /// <summary>
    /// The block (or expression) body of <paramref name="method"/>: a local function declared in <paramref name="root"/>,
    /// or a method, accessor or constructor declared in source. Null otherwise.
    /// </summary>
    public static IOperation? Get(IMethodSymbol method, IOperation? root, SemanticModel model, CancellationToken cancellationToken)
    {
        var definition = method.PartialImplementationPart ?? method.OriginalDefinition;
        if (definition.MethodKind == MethodKind.LocalFunction)
        {
            if (root is null)
            {
                return null;
            }

            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalFunctionOperation local && SymbolEqualityComparer.Default.Equals(local.Symbol, definition))
                {
                    return local.Body ?? local.IgnoredBody;
                }
            }

            return null;
        }

        var layer = ConcurrencyModel.Get(model.Compilation, WellKnownTypes.Get(model.Compilation));
        return layer.GetMethodBody(definition, out _, cancellationToken) switch
        {
            IMethodBodyBaseOperation body => (IOperation?)body.BlockBody ?? body.ExpressionBody,
            _ => null,
        };
    }
}
