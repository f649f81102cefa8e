using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A forward "may have happened" analysis over a control flow graph. Events are recorded per basic block in
/// execution order: a <em>gen</em> event marks that something happened to a key (a thread was started), a
/// <em>kill</em> clears the key (a new thread was assigned). <see cref="Run"/> answers, for every gen event,
/// which earlier gen events of the same key can reach it along some path with no kill in between. A <em>probe</em>
/// asks the same question at any other point (the exit of a method, a read) without changing anything.
/// Exception handlers start with nothing reached (an analysis that must not guess), finally blocks
/// start with what reaches the code they protect, and a branch that leaves through finally blocks carries
/// their kills to its destination.
/// </summary>
internal sealed class MayReachAnalysis
{
    /// <summary>The bit that stands for "happened before this code started" (see <see cref="SetEntry"/>).</summary>
    public const ulong BeforeEntry = 1UL << 63;

    private readonly ControlFlowGraph _graph;
    private readonly int _keyCount;
    private readonly List<Step>?[] _steps;
    private readonly List<EdgeKill>?[] _edgeKills;
    private readonly ulong[] _entry;
    private int _eventCount;
    private int _probeCount;

    public MayReachAnalysis(ControlFlowGraph graph, int keyCount)
    {
        _graph = graph;
        _keyCount = keyCount;
        _steps = new List<Step>?[graph.Blocks.Length];
        _edgeKills = new List<EdgeKill>?[graph.Blocks.Length];
        _entry = new ulong[keyCount];
    }

    /// <summary>Records a gen event of <paramref name="key"/> in a block; returns the event's id.</summary>
    public int AddGen(int blockOrdinal, int key)
    {
        var id = _eventCount++;
        (_steps[blockOrdinal] ??= new List<Step>()).Add(new Step(key, id));
        return id;
    }

    /// <summary>
    /// Records a probe of <paramref name="key"/> at this point of a block (after the steps recorded before it); returns
    /// the probe's id. After <see cref="Run"/>, <see cref="ProbeResults"/>[id] holds the gen events that may reach it.
    /// </summary>
    public int AddProbe(int blockOrdinal, int key)
    {
        var id = _probeCount++;
        (_steps[blockOrdinal] ??= new List<Step>()).Add(new Step(key, -2 - id));
        return id;
    }

    /// <summary>For each probe id, the bit set of gen events that may reach it (see <see cref="AddProbe"/>); filled by <see cref="Run"/>.</summary>
    public ulong[] ProbeResults { get; private set; } = System.Array.Empty<ulong>();

    /// <summary>Records that <paramref name="key"/> is cleared at this point of a block.</summary>
    public void AddKill(int blockOrdinal, int key)
        => (_steps[blockOrdinal] ??= new List<Step>()).Add(new Step(key, -1));

    /// <summary>Records that <paramref name="key"/> is cleared on one outgoing edge of a block (a guard that proves it).</summary>
    public void AddEdgeKill(int blockOrdinal, bool onConditionalEdge, int key)
        => (_edgeKills[blockOrdinal] ??= new List<EdgeKill>()).Add(new EdgeKill(key, onConditionalEdge));

    /// <summary>Marks <paramref name="key"/> as possibly already gen'd when the graph is entered.</summary>
    public void SetEntry(int key) => _entry[key] = BeforeEntry;

    /// <summary>For each gen event id, the bit set of gen events (bit = id, capped at 62) that may reach it, plus <see cref="BeforeEntry"/>.</summary>
    public ulong[] Run(CancellationToken cancellationToken)
    {
        var blocks = _graph.Blocks;
        var input = new ulong[blocks.Length][];
        var reached = new ulong[_eventCount];
        var probes = new ulong[_probeCount];
        var worklist = new Queue<int>();
        var queued = new bool[blocks.Length];

        input[0] = (ulong[])_entry.Clone();
        worklist.Enqueue(0);
        queued[0] = true;
        var state = new ulong[_keyCount];

        while (worklist.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ordinal = worklist.Dequeue();
            queued[ordinal] = false;
            System.Array.Copy(input[ordinal], state, _keyCount);

            if (_steps[ordinal] is { } steps)
            {
                foreach (var step in steps)
                {
                    if (step.EventId <= -2)
                    {
                        probes[-2 - step.EventId] |= state[step.Key];
                    }
                    else if (step.EventId < 0)
                    {
                        state[step.Key] = 0;
                    }
                    else
                    {
                        reached[step.EventId] |= state[step.Key];
                        state[step.Key] = Bit(step.EventId);
                    }
                }
            }

            var block = blocks[ordinal];
            Flow(block.ConditionalSuccessor, onConditionalEdge: true);
            Flow(block.FallThroughSuccessor, onConditionalEdge: false);

            void Flow(ControlFlowBranch? branch, bool onConditionalEdge)
            {
                if (branch is null)
                {
                    return;
                }

                var outgoing = state;
                if (_edgeKills[ordinal] is { } kills)
                {
                    outgoing = (ulong[])state.Clone();
                    foreach (var kill in kills)
                    {
                        if (kill.OnConditionalEdge == onConditionalEdge)
                        {
                            outgoing[kill.Key] = 0;
                        }
                    }
                }

                if (branch.Destination is { } destination)
                {
                    Merge(destination.Ordinal, branch.FinallyRegions.IsEmpty ? outgoing : AfterFinally(outgoing, branch.FinallyRegions));
                }

                foreach (var finallyRegion in branch.FinallyRegions)
                {
                    Merge(finallyRegion.FirstBlockOrdinal, outgoing);
                }
            }
        }

        ProbeResults = probes;
        return reached;

        // Leaving a try through its finally: what the finally clears is cleared on the way (a Join in finally
        // joins on every way out). Gens inside the finally are not carried over: the analysis stays on the side of
        // reporting less.
        ulong[] AfterFinally(ulong[] incoming, System.Collections.Immutable.ImmutableArray<ControlFlowRegion> finallyRegions)
        {
            var result = incoming;
            foreach (var region in finallyRegions)
            {
                for (var ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal; ordinal++)
                {
                    if (_steps[ordinal] is not { } finallySteps)
                    {
                        continue;
                    }

                    foreach (var step in finallySteps)
                    {
                        if (step.EventId == -1 && result[step.Key] != 0)
                        {
                            result = result == incoming ? (ulong[])incoming.Clone() : result;
                            result[step.Key] = 0;
                        }
                    }
                }
            }

            return result;
        }

        void Merge(int target, ulong[] incoming)
        {
            if (!blocks[target].IsReachable)
            {
                // The graph knows the block is never run ('while (true)' never leaves through its condition).
                return;
            }

            var changed = false;
            if (input[target] is null)
            {
                input[target] = (ulong[])incoming.Clone();
                changed = true;
            }
            else
            {
                var existing = input[target];
                for (var key = 0; key < _keyCount; key++)
                {
                    var merged = existing[key] | incoming[key];
                    if (merged != existing[key])
                    {
                        existing[key] = merged;
                        changed = true;
                    }
                }
            }

            if (changed && !queued[target])
            {
                queued[target] = true;
                worklist.Enqueue(target);
            }
        }
    }

    private static ulong Bit(int eventId) => 1UL << (eventId < 62 ? eventId : 62);

    private readonly struct Step
    {
        public Step(int key, int eventId)
        {
            Key = key;
            EventId = eventId;
        }

        public int Key { get; }

        /// <summary>The gen event's id, -1 for a kill, or -2 - id for a probe.</summary>
        public int EventId { get; }
    }

    private readonly struct EdgeKill
    {
        public EdgeKill(int key, bool onConditionalEdge)
        {
            Key = key;
            OnConditionalEdge = onConditionalEdge;
        }

        public int Key { get; }

        public bool OnConditionalEdge { get; }
    }
}
