using System.Collections.Generic;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// What a rule keeps while the driver analyses the members of one type (operation callbacks, which may run
/// concurrently), to finish at the end of the type, when every member of the type has been bound. Nothing is
/// allocated for a type that keeps nothing.
/// </summary>
internal sealed class PerTypeQueue<T>
{
    private List<T>? _items;

    public void Add(T item)
    {
        lock (this)
        {
            (_items ??= new List<T>()).Add(item);
        }
    }

    /// <summary>Everything added, or null when nothing was; read at the end of the type, once no callback of it runs.</summary>
    public List<T>? Items
    {
        get
        {
            lock (this)
            {
                return _items;
            }
        }
    }
}
