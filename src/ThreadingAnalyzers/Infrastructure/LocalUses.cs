using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Every declarator of, assignment to and reference of each local of an executable root, in the order
/// <c>root.Descendants()</c> yields them. Computed once per root (<see cref="RootCache{TValue}"/>), so that a question
/// about one local reads that local's operations instead of walking the whole root again: per-local walks made
/// a method with many thread locals quadratic.
/// </summary>
internal sealed class LocalUses
{
    private static readonly RootCache<LocalUses> Cache = new();
    private static readonly IReadOnlyList<IOperation> None = System.Array.Empty<IOperation>();

    private readonly Dictionary<ILocalSymbol, List<IOperation>> _byLocal = new(SymbolEqualityComparer.Default);

    private LocalUses(IOperation root)
    {
        foreach (var operation in root.Descendants())
        {
            var local = operation switch
            {
                IVariableDeclaratorOperation declarator => declarator.Symbol,
                IAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                ILocalReferenceOperation reference => reference.Local,
                _ => null,
            };
            if (local is null)
            {
                continue;
            }

            if (!_byLocal.TryGetValue(local, out var list))
            {
                _byLocal[local] = list = new List<IOperation>();
            }

            list.Add(operation);
        }
    }

    public static LocalUses Get(IOperation root) => Cache.GetOrCreate(root, static r => new LocalUses(r));

    /// <summary>The declarators of, assignments to and references of <paramref name="local"/> in the root, in walk order.</summary>
    public IReadOnlyList<IOperation> Of(ILocalSymbol local) => _byLocal.TryGetValue(local, out var list) ? list : None;
}
