using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>THR005: which threads of a method may still run when it returns.</summary>
public sealed partial class THR005ThreadNeverJoinedAnalyzer
{
    /// <summary>The analysis of one executable root: its thread starts, whether each is joined on every path, and why it matters.</summary>
    private sealed class JoinAnalysis
    {
        private readonly IOperation _root;
        private readonly SemanticModel _model;
        private readonly WellKnownTypes _types;
        private readonly CancellationToken _cancellationToken;
        private readonly List<Candidate> _candidates = new();
        private readonly Dictionary<SyntaxNode, Finding> _findings = new();

        public JoinAnalysis(IOperation root, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
        {
            _root = root;
            _model = model;
            _types = types;
            _cancellationToken = cancellationToken;
        }

        public Dictionary<SyntaxNode, Finding> Run()
        {
            CollectCandidates();
            if (_candidates.Count == 0 || _candidates.Count > 62 || FlowGraphs.Get(_root, _cancellationToken) is not { } graph)
            {
                return _findings;
            }

            var probes = RunFlow(graph);
            foreach (var candidate in _candidates)
            {
                if (candidate.StartEvent < 0 || candidate.ExitProbe < 0)
                {
                    continue;
                }

                var bit = 1UL << (candidate.StartEvent < 62 ? candidate.StartEvent : 62);
                if ((probes[candidate.ExitProbe] & bit) == 0)
                {
                    // Joined on every path to the end, or the method never gets there.
                    continue;
                }

                if (Classify(candidate, bit, probes) is { } finding)
                {
                    _findings[candidate.Start.Syntax] = finding;
                }
            }

            return _findings;
        }

        private Finding? Classify(Candidate candidate, ulong bit, ulong[] probes)
        {
            var results = new ThreadResults(_root, _model, _types, _cancellationToken);
            if (results.WaitsByOtherMeans(candidate.Creation))
            {
                return null;
            }

            var loop = candidate.Start.GetEnclosingLoop();
            var lost = candidate.Local is null
                ? loop is not null
                : candidate.CreationProbe >= 0 && (probes[candidate.CreationProbe] & bit) != 0;
            if (lost)
            {
                return new Finding(
                    candidate.Subject,
                    "a new one is started on each pass of the loop and kept nowhere, so nothing can wait for them to finish",
                    DiagnosticSeverity.Warning,
                    CollectFix,
                    loop?.Syntax);
            }

            switch (results.FindEarlyRead(candidate.Creation))
            {
                case { Waited: true }:
                    return null;
                case { Read: { } read, Name: { } name }:
                    return new Finding(
                        candidate.Subject,
                        "'" + name + "' is read while the thread that writes it may still be running",
                        DiagnosticSeverity.Warning,
                        JoinFix,
                        read);
                default:
                    return new Finding(candidate.Subject, "nothing waits for it before the method returns", DiagnosticSeverity.Info, JoinFix, anchor: null);
            }
        }

        /// <summary>Starts in the member's own code (not in lambdas) of a visible <c>new Thread(…)</c>, inline or through a local nobody else sees.</summary>
        private void CollectCandidates()
        {
            var startsPerLocal = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
            var found = new List<Candidate>();
            foreach (var operation in _root.Descendants())
            {
                if (operation is not IInvocationOperation invocation || !IsThreadStart(invocation, _types) || invocation.GetEnclosingFunction() is not null)
                {
                    continue;
                }

                switch (invocation.Instance?.WalkDownConversions())
                {
                    case IObjectCreationOperation creation when WellKnownTypes.Is(creation.Type, _types.Thread):
                        found.Add(new Candidate(invocation, creation, local: null));
                        break;
                    case ILocalReferenceOperation reference when SingleCreation(reference.Local) is { } creation:
                        startsPerLocal.TryGetValue(reference.Local, out var count);
                        startsPerLocal[reference.Local] = count + 1;
                        found.Add(new Candidate(invocation, creation, reference.Local));
                        break;
                }
            }

            foreach (var candidate in found)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (candidate.Local is { } local && (startsPerLocal[local] > 1 || Escapes(local)))
                {
                    continue;
                }

                if (ThreadCreations.GetBackgroundSetting(candidate.Creation, _root, _model, _cancellationToken) != BackgroundSetting.Foreground)
                {
                    continue;
                }

                // An endless thread is THR011's: joining it would hang the method.
                if (ThreadCreations.GetDelegateBody(ThreadCreations.GetStartDelegate(candidate.Creation), _root, _model, _cancellationToken) is { } body
                    && EndlessLoops.Find(body, _root, _model, _cancellationToken) is not null)
                {
                    continue;
                }

                _candidates.Add(candidate);
            }
        }

        /// <summary>The one <c>new Thread(…)</c> ever assigned to <paramref name="local"/> in this root; null when there is none, several, or anything else.</summary>
        private IObjectCreationOperation? SingleCreation(ILocalSymbol local)
        {
            IObjectCreationOperation? creation = null;
            foreach (var operation in LocalUses.Get(_root).Of(local))
            {
                var value = operation switch
                {
                    IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => declarator.Initializer?.Value,
                    IAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                    _ => null,
                };
                if (value is null || value.WalkDownConversions() is { ConstantValue: { HasValue: true, Value: null } } or IDefaultValueOperation)
                {
                    continue;
                }

                if (creation is not null || value.WalkDownConversions() is not IObjectCreationOperation newThread || !WellKnownTypes.Is(newThread.Type, _types.Thread))
                {
                    return null;
                }

                creation = newThread;
            }

            return creation;
        }

        /// <summary>True when the thread leaves the method's hands: any use but a member access on it in the member's own code.</summary>
        private bool Escapes(ILocalSymbol local)
        {
            foreach (var operation in LocalUses.Get(_root).Of(local))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                if (reference.GetEnclosingFunction() is not null)
                {
                    return true;
                }

                switch (reference.Parent)
                {
                    case IInvocationOperation { Instance: { } instance } when instance == reference:
                    case IPropertyReferenceOperation { Instance: { } receiver } when receiver == reference:
                    case IConditionalAccessOperation conditional when conditional.Operation == reference:
                    case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                        continue;
                    default:
                        return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Gen at each start, kill at each <c>Join</c> of the thread's local and on the edge where <c>IsAlive</c> is false;
        /// probes at the method's exit and at each local's creation (a start that reaches its own creation again is lost).
        /// </summary>
        private ulong[] RunFlow(ControlFlowGraph graph)
        {
            var analysis = new MayReachAnalysis(graph, _candidates.Count);
            var captures = new FlowCaptureMap();
            foreach (var block in graph.Blocks)
            {
                foreach (var statement in block.Operations)
                {
                    Record(block, statement);
                }

                if (block.BranchValue is { } branch)
                {
                    Record(block, branch);
                    RecordIsAliveTest(analysis, block, captures.Resolve(branch));
                }
            }

            var exit = graph.Blocks[graph.Blocks.Length - 1].Ordinal;
            for (var key = 0; key < _candidates.Count; key++)
            {
                _candidates[key].ExitProbe = analysis.AddProbe(exit, key);
            }

            analysis.Run(_cancellationToken);
            return analysis.ProbeResults;

            void Record(BasicBlock block, IOperation statement)
            {
                foreach (var operation in statement.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IFlowCaptureOperation capture:
                            captures.Record(capture);
                            break;
                        case IInvocationOperation invocation:
                            for (var key = 0; key < _candidates.Count; key++)
                            {
                                var candidate = _candidates[key];
                                if (invocation.Syntax == candidate.Start.Syntax && IsThreadStart(invocation, _types))
                                {
                                    candidate.StartEvent = analysis.AddGen(block.Ordinal, key);
                                }
                                else if (candidate.Local is { } local && invocation.TargetMethod.Name == "Join"
                                    && invocation.Instance is { } instance
                                    && SymbolEqualityComparer.Default.Equals(captures.Resolve(instance).GetStorageSymbol(), local))
                                {
                                    analysis.AddKill(block.Ordinal, key);
                                }
                            }

                            break;
                        case IObjectCreationOperation creation:
                            for (var key = 0; key < _candidates.Count; key++)
                            {
                                if (_candidates[key].Local is not null && creation.Syntax == _candidates[key].Creation.Syntax)
                                {
                                    _candidates[key].CreationProbe = analysis.AddProbe(block.Ordinal, key);
                                }
                            }

                            break;
                    }
                }
            }
        }

        /// <summary><c>while (t.IsAlive) …</c> / <c>if (!t.IsAlive) …</c>: on the edge where the thread is not alive, it has ended.</summary>
        private void RecordIsAliveTest(MayReachAnalysis analysis, BasicBlock block, IOperation condition)
        {
            if (block.ConditionalSuccessor is null || block.ConditionKind == ControlFlowConditionKind.None)
            {
                return;
            }

            var aliveWhen = true;
            var value = condition.WalkDownConversions();
            if (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                aliveWhen = false;
                value = not.Operand.WalkDownConversions();
            }

            if (value is not IPropertyReferenceOperation { Property.Name: "IsAlive", Instance: { } instance }
                || instance.GetStorageSymbol() is not ILocalSymbol local)
            {
                return;
            }

            for (var key = 0; key < _candidates.Count; key++)
            {
                if (SymbolEqualityComparer.Default.Equals(_candidates[key].Local, local))
                {
                    // The conditional edge is taken when the condition equals ConditionKind; the thread has ended where it reads "not alive".
                    var conditionalTakenWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    analysis.AddEdgeKill(block.Ordinal, onConditionalEdge: conditionalTakenWhen != aliveWhen, key);
                }
            }
        }
    }
}
