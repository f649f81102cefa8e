using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Whether a reference names a local or parameter of the innermost function around it (lambda, local function or
/// member). Such a variable is one per call of that function, never shared between threads
/// (<see cref="SharedStorage.VariableSharing"/> says <see cref="Sharing.NotShared"/> for every region entry that can
/// contain it), so rules can skip a write to it before asking the concurrency model anything. Read from the operation
/// the driver has bound: the variable's owner against the functions around the reference, no syntax scan.
/// </summary>
internal static class OwnLocals
{
    /// <summary>
    /// True when <paramref name="reference"/> is a local (an <c>out var</c> included) or parameter declared by the
    /// innermost function that contains it; false for anything else, a variable captured from an outer function included.
    /// </summary>
    public static bool IsOwnVariable(IOperation? reference)
    {
        if (reference is IDeclarationExpressionOperation declaration)
        {
            reference = declaration.Expression;
        }

        var owner = reference switch
        {
            ILocalReferenceOperation local => local.Local.ContainingSymbol,
            IParameterReferenceOperation parameter => parameter.Parameter.ContainingSymbol,
            _ => null,
        };
        if (owner is null)
        {
            return false;
        }

        for (var current = reference!.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation anonymous:
                    return SymbolEqualityComparer.Default.Equals(anonymous.Symbol, owner);
                case ILocalFunctionOperation localFunction:
                    return SymbolEqualityComparer.Default.Equals(localFunction.Symbol, owner);
            }
        }

        // No function around it but the member: a variable it can name is the member's own.
        return owner is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction };
    }
}
