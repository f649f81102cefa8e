using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Compares keys that are symbols or other values (storage keys, call targets): symbols by symbol identity, anything else by equality.</summary>
internal sealed class SymbolKeyComparer : IEqualityComparer<object>
{
    public static readonly SymbolKeyComparer Instance = new();

    public new bool Equals(object? x, object? y)
        => x is ISymbol sx && y is ISymbol sy ? SymbolEqualityComparer.Default.Equals(sx, sy) : object.Equals(x, y);

    public int GetHashCode(object obj)
        => obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
}

/// <summary>A fact computed once per storage (field, property, local or parameter) on first request, safe to share between threads.</summary>
internal sealed class PerStorage<T>
{
    private readonly Dictionary<object, T> _values = new(SymbolKeyComparer.Instance);

    /// <summary>The fact for <paramref name="storage"/>, computed by <paramref name="compute"/> from its original definition when not known yet.</summary>
    public T GetOrAdd<TState>(ISymbol storage, TState state, Func<TState, ISymbol, T> compute)
    {
        var key = SharedStorage.GetKey(storage);
        lock (_values)
        {
            if (_values.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var found = compute(state, storage.OriginalDefinition);
        lock (_values)
        {
            if (_values.TryGetValue(key, out var raced))
            {
                return raced;
            }

            _values[key] = found;
            return found;
        }
    }
}
