using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A result per operation (usually an executable root; THR006 keys a loop), computed once however many triggers ask
/// for it, and dropped with the operation tree (weakly keyed, so nothing outlives its compilation).
/// </summary>
internal sealed class RootCache<TValue>
    where TValue : class
{
    private readonly ConditionalWeakTable<IOperation, TValue> _table = new();

    public TValue GetOrCreate(IOperation root, ConditionalWeakTable<IOperation, TValue>.CreateValueCallback create)
        => _table.GetValue(root, create);
}
