using System;
using System.Threading;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A rule's "does this compilation have the framework types the rule is about", asked on the rule's first callback
/// instead of at compilation start. The first type lookup of a fresh compilation loads the namespaces of every
/// referenced assembly (10–16 ms on NLog against the .NET 8 reference pack); once the compiler has bound any code,
/// which it has before the first operation callback, the same lookup costs a fraction of a millisecond.
/// </summary>
internal sealed class TypeGate
{
    private readonly WellKnownTypes _types;
    private readonly Func<WellKnownTypes, bool> _hasTypes;
    private int _state;

    public TypeGate(WellKnownTypes types, Func<WellKnownTypes, bool> hasTypes)
    {
        _types = types;
        _hasTypes = hasTypes;
    }

    /// <summary>True when the compilation has the types (decided once; two threads may both decide, alike).</summary>
    public bool IsOpen
    {
        get
        {
            var state = Volatile.Read(ref _state);
            if (state == 0)
            {
                state = _hasTypes(_types) ? 1 : 2;
                Volatile.Write(ref _state, state);
            }

            return state == 1;
        }
    }

    /// <summary><paramref name="action"/>, run only when the gate is open.</summary>
    public Action<SyntaxTrigger> Guard(Action<SyntaxTrigger> action) => trigger =>
    {
        if (IsOpen)
        {
            action(trigger);
        }
    };
}
