using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR001: a <c>Thread.Start()</c> that an earlier <c>Start()</c> of the same thread can reach with no new
/// thread assigned in between: two starts in a row, a start after <c>Join()</c>, a start in a loop on a thread
/// created outside it, a start in an event handler or timer callback on a captured thread, and a start of the
/// threads of an array or list that were started before and not replaced.
/// </summary>
/// <remarks>
/// Triggered on <c>x.Start()</c> calls (<see cref="SyntaxTrigger"/>: operations the driver has already bound); the
/// analysis itself runs on the method's operations and control flow graph, once per method.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class THR001ThreadStartedTwiceAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: present when the fixer may re-create the thread from the creation at additional location 0.</summary>
    public const string RecreatableProperty = "Recreatable";

    private static readonly RootCache<Dictionary<SyntaxNode, Finding>> Findings = new();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR001ThreadStartedTwice);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (!ThreadingMentions.MayUseThreading(start.Compilation, start.CancellationToken))
            {
                return;
            }

            var types = WellKnownTypes.Get(start.Compilation);
            var gate = new TypeGate(types, static t => t.Thread is not null);

            SyntaxTrigger.RegisterCalls(start, static name => name is "Start" or "UnsafeStart", gate.Guard(context => AnalyzeInvocation(context, types)));
        });
    }

    private static void AnalyzeInvocation(SyntaxTrigger context, WellKnownTypes types)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (!IsStartName(invocation))
        {
            return;
        }

        if (context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation operation
            || !IsThreadStart(operation, types))
        {
            return;
        }

        var root = FlowGraphs.GetRoot(operation);
        var findings = Findings.GetOrCreate(root, r => new StartAnalysis(r, types, context.CancellationToken).Run());
        if (!findings.TryGetValue(invocation, out var finding))
        {
            return;
        }

        var properties = finding.Creation is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(RecreatableProperty, "true");
        var additional = finding.Creation is null ? null : new[] { finding.Creation.GetLocation() };
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR001ThreadStartedTwice,
            invocation.GetLocation(),
            additional,
            properties,
            finding.Subject,
            finding.Reason));
    }

    private static bool IsStartName(InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };
        return name is "Start" or "UnsafeStart";
    }

    private static bool IsThreadStart(IInvocationOperation invocation, WellKnownTypes types)
        => invocation.TargetMethod.Name is "Start" or "UnsafeStart"
            && WellKnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread);

    private sealed class Finding
    {
        public Finding(string subject, string reason, SyntaxNode? creation)
        {
            Subject = subject;
            Reason = reason;
            Creation = creation;
        }

        /// <summary>"Thread 't'" or "The threads in 'workers'".</summary>
        public string Subject { get; }

        public string Reason { get; }

        /// <summary>The visible <c>new Thread(…)</c> the fixer can repeat, when there is exactly one.</summary>
        public SyntaxNode? Creation { get; }
    }

    /// <summary>The analysis of one executable root: every start of a thread that may already have been started.</summary>
    private sealed class StartAnalysis
    {
        private readonly IOperation _root;
        private readonly WellKnownTypes _types;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<SyntaxNode, Finding> _findings = new();

        /// <summary>Start calls on a local, parameter or field, by invocation syntax; value = key index.</summary>
        private readonly Dictionary<SyntaxNode, int> _startKeys = new();
        private readonly List<ISymbol> _keys = new();
        private readonly Dictionary<ISymbol, int> _keyIndex = new(SymbolEqualityComparer.Default);

        // The keys that are fields, by the type declaring them: what a call to a method of that type may reassign.
        private readonly Dictionary<ISymbol, List<int>> _fieldKeysByType = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<SyntaxNode, IInvocationOperation> _starts = new();
        private readonly Dictionary<SyntaxNode, IOperation> _functions = new();

        public StartAnalysis(IOperation root, WellKnownTypes types, CancellationToken cancellationToken)
        {
            _root = root;
            _types = types;
            _cancellationToken = cancellationToken;
        }

        public Dictionary<SyntaxNode, Finding> Run()
        {
            var collectionStarts = new List<CollectionStart>();
            foreach (var operation in _root.Descendants())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when IsThreadStart(invocation, _types):
                        CollectStart(invocation, collectionStarts);
                        break;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        _functions[operation.Syntax] = operation;
                        break;
                }
            }

            if (_startKeys.Count > 0 && FlowGraphs.Get(_root, _cancellationToken) is { } graph)
            {
                AnalyzeGraph(graph, function: null);
            }

            if (collectionStarts.Count > 0)
            {
                new CollectionStartAnalysis(_root, collectionStarts, _findings).Run();
            }

            return _findings;
        }

        private void CollectStart(IInvocationOperation invocation, List<CollectionStart> collectionStarts)
        {
            var receiver = invocation.Instance?.WalkDownConversions();
            if (receiver is null)
            {
                return;
            }

            if (receiver.GetStorageSymbol() is { } symbol)
            {
                if (!_keyIndex.TryGetValue(symbol, out var key))
                {
                    key = _keys.Count;
                    _keys.Add(symbol);
                    _keyIndex[symbol] = key;
                    if (symbol is IFieldSymbol { ContainingType: { } owner })
                    {
                        if (!_fieldKeysByType.TryGetValue(owner, out var fieldKeys))
                        {
                            _fieldKeysByType[owner] = fieldKeys = new List<int>();
                        }

                        fieldKeys.Add(key);
                    }
                }

                _startKeys[invocation.Syntax] = key;
                _starts[invocation.Syntax] = invocation;
                if (symbol is ILocalSymbol local && FindEnclosingForEach(invocation, local) is { } forEach
                    && forEach.Collection.WalkDownConversions().GetStorageSymbol() is { } iterated)
                {
                    collectionStarts.Add(new CollectionStart(invocation, iterated, forEach));
                }

                return;
            }

            if (CollectionStart.FromElementAccess(invocation, receiver) is { } elementStart)
            {
                collectionStarts.Add(elementStart);
            }
        }

        private static IForEachLoopOperation? FindEnclosingForEach(IOperation operation, ILocalSymbol iterationVariable)
        {
            for (var loop = operation.GetEnclosingLoop(); loop is not null; loop = loop.GetEnclosingLoop())
            {
                if (loop is IForEachLoopOperation forEach && forEach.Locals.ContainsSymbol(iterationVariable))
                {
                    return forEach;
                }
            }

            return null;
        }

        /// <summary>Runs the may-reach analysis on one graph (the member body or a nested function) and recurses into nested ones.</summary>
        private void AnalyzeGraph(ControlFlowGraph graph, IMethodSymbol? function)
        {
            var analysis = new MayReachAnalysis(graph, _keys.Count);
            var events = new List<(int EventId, SyntaxNode Syntax, int Key)>();
            var nested = new List<IFlowAnonymousFunctionOperation>();
            var captures = new FlowCaptureMap();

            foreach (var block in graph.Blocks)
            {
                foreach (var statement in block.Operations)
                {
                    Record(block, statement);
                }

                if (block.BranchValue is { } branchValue)
                {
                    Record(block, branchValue);
                    RecordUnstartedGuard(analysis, block, captures.Resolve(branchValue));
                }
            }

            string? entryReason = null;
            if (function is not null)
            {
                entryReason = MarkCapturedKeysStarted(analysis, graph, function);
            }

            var reached = analysis.Run(_cancellationToken);
            foreach (var (eventId, syntax, key) in events)
            {
                var bits = reached[eventId];
                if (bits == 0 || _findings.ContainsKey(syntax) || IsGuardedByFlag(_starts[syntax]))
                {
                    continue;
                }

                var own = 1UL << (eventId < 62 ? eventId : 62);
                var reason = (bits & MayReachAnalysis.BeforeEntry) != 0 && entryReason is not null
                    ? entryReason
                    : bits == own
                        ? "the previous pass of the loop started it"
                        : "an earlier Start() of the same thread reaches this call";
                _findings[syntax] = new Finding("Thread '" + _keys[key].Name + "'", reason, FindCreation(_keys[key], syntax));
            }

            foreach (var anonymous in nested)
            {
                AnalyzeGraph(graph.GetAnonymousFunctionControlFlowGraph(anonymous, _cancellationToken), anonymous.Symbol);
            }

            foreach (var localFunction in graph.LocalFunctions)
            {
                AnalyzeGraph(graph.GetLocalFunctionControlFlowGraph(localFunction, _cancellationToken), localFunction);
            }

            void Record(BasicBlock block, IOperation statement)
            {
                foreach (var operation in statement.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IFlowAnonymousFunctionOperation anonymous:
                            nested.Add(anonymous);
                            break;
                        case IFlowCaptureOperation capture:
                            captures.Record(capture);
                            break;
                        case IInvocationOperation invocation:
                            RecordInvocation(analysis, block, invocation, events);
                            break;
                        case IAssignmentOperation assignment:
                            KillAssigned(analysis, block, captures.Resolve(assignment.Target), captures);
                            break;
                        case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                            KillAssigned(analysis, block, captures.Resolve(argument.Value), captures);
                            break;
                    }
                }
            }
        }

        private void RecordInvocation(MayReachAnalysis analysis, BasicBlock block, IInvocationOperation invocation, List<(int, SyntaxNode, int)> events)
        {
            if (_startKeys.TryGetValue(invocation.Syntax, out var key) && IsThreadStart(invocation, _types))
            {
                events.Add((analysis.AddGen(block.Ordinal, key), invocation.Syntax, key));
                return;
            }

            // A call to a method of the same type may reassign a field: unknown callees clear field keys.
            if (invocation.TargetMethod.IsExtern || invocation.TargetMethod.DeclaringSyntaxReferences.IsEmpty)
            {
                return;
            }

            if (invocation.TargetMethod.ContainingType is { } type && _fieldKeysByType.TryGetValue(type, out var fieldKeys))
            {
                foreach (var fieldKey in fieldKeys)
                {
                    analysis.AddKill(block.Ordinal, fieldKey);
                }
            }
        }

        private void KillAssigned(MayReachAnalysis analysis, BasicBlock block, IOperation target, FlowCaptureMap captures)
        {
            if (target is ITupleOperation tuple)
            {
                foreach (var element in tuple.Elements)
                {
                    KillAssigned(analysis, block, captures.Resolve(element), captures);
                }

                return;
            }

            if (target is IDeclarationExpressionOperation declaration)
            {
                KillAssigned(analysis, block, captures.Resolve(declaration.Expression), captures);
                return;
            }

            if (target.GetStorageSymbol() is { } symbol)
            {
                if (_keyIndex.TryGetValue(symbol, out var key))
                {
                    analysis.AddKill(block.Ordinal, key);
                }
            }
        }

        /// <summary>A branch on <c>t.ThreadState == ThreadState.Unstarted</c> proves the thread unstarted on one edge.</summary>
        private void RecordUnstartedGuard(MayReachAnalysis analysis, BasicBlock block, IOperation branchValue)
        {
            if (block.ConditionalSuccessor is null || !TryMatchUnstartedTest(branchValue, out var symbol, out var unstartedWhen))
            {
                return;
            }

            if (!_keyIndex.TryGetValue(symbol!, out var key))
            {
                return;
            }

            var conditionalTakenWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
            analysis.AddEdgeKill(block.Ordinal, onConditionalEdge: conditionalTakenWhen == unstartedWhen, key);
        }

        private bool TryMatchUnstartedTest(IOperation test, out ISymbol? symbol, out bool unstartedWhen)
        {
            symbol = null;
            unstartedWhen = true;
            test = test.WalkDownConversions();
            switch (test)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    var matched = TryMatchUnstartedTest(not.Operand, out symbol, out var inner);
                    unstartedWhen = !inner;
                    return matched;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                    if (MatchThreadState(binary.LeftOperand, out symbol, masked: false) && IsUnstarted(binary.RightOperand)
                        || MatchThreadState(binary.RightOperand, out symbol, masked: false) && IsUnstarted(binary.LeftOperand))
                    {
                        unstartedWhen = equals;
                        return true;
                    }

                    if (MatchThreadState(binary.LeftOperand, out symbol, masked: true) && IsZero(binary.RightOperand))
                    {
                        unstartedWhen = !equals;
                        return true;
                    }

                    return false;
                case IIsPatternOperation { Pattern: IConstantPatternOperation constant } isPattern:
                    return MatchThreadState(isPattern.Value, out symbol, masked: false) && IsUnstarted(constant.Value);
                case IInvocationOperation { TargetMethod.Name: "HasFlag" } hasFlag when hasFlag.Arguments.Length == 1:
                    return hasFlag.Instance is not null
                        && MatchThreadState(hasFlag.Instance, out symbol, masked: false)
                        && IsUnstarted(hasFlag.Arguments[0].Value);
                default:
                    return false;
            }
        }

        private bool MatchThreadState(IOperation operation, out ISymbol? symbol, bool masked)
        {
            symbol = null;
            operation = operation.WalkDownConversions();
            if (masked)
            {
                if (operation is not IBinaryOperation { OperatorKind: BinaryOperatorKind.And } and)
                {
                    return false;
                }

                return MatchThreadState(and.LeftOperand, out symbol, masked: false) && IsUnstarted(and.RightOperand)
                    || MatchThreadState(and.RightOperand, out symbol, masked: false) && IsUnstarted(and.LeftOperand);
            }

            if (operation is IPropertyReferenceOperation { Property.Name: "ThreadState" } property
                && WellKnownTypes.Is(property.Property.ContainingType, _types.Thread))
            {
                symbol = property.Instance.GetStorageSymbol();
                return symbol is not null;
            }

            return false;
        }

        private bool IsUnstarted(IOperation operation)
        {
            var value = operation.WalkDownConversions();
            return WellKnownTypes.Is(value.Type, _types.ThreadState)
                && value.ConstantValue is { HasValue: true, Value: int state }
                && state == (int)System.Threading.ThreadState.Unstarted;
        }

        private static bool IsZero(IOperation operation)
            => operation.WalkDownConversions().ConstantValue is { HasValue: true, Value: int zero } && zero == 0;

        /// <summary>
        /// In a function that runs more than once, a thread captured from outside and not replaced inside
        /// is already started from the second run on. Returns the reason to print, or null.
        /// </summary>
        private string? MarkCapturedKeysStarted(MayReachAnalysis analysis, ControlFlowGraph graph, IMethodSymbol function)
        {
            var runKind = function.MethodKind == MethodKind.LocalFunction
                ? FunctionRuns.ClassifyLocalFunction(function.OriginalDefinition, _root, _types)
                : function.DeclaringSyntaxReferences.Length == 1
                    && _functions.TryGetValue(function.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken), out var anonymous)
                        ? FunctionRuns.ClassifyDelegateUse(anonymous, _types)
                        : FunctionRunKind.Unknown;
            if (runKind == FunctionRunKind.Unknown)
            {
                return null;
            }

            var assigned = AssignedSymbols(graph);
            for (var key = 0; key < _keys.Count; key++)
            {
                var symbol = _keys[key];
                if (!assigned.Contains(symbol) && !SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, function))
                {
                    analysis.SetEntry(key);
                }
            }

            return runKind switch
            {
                FunctionRunKind.EventHandler => "this event handler runs again on every raise and the thread is not replaced",
                FunctionRunKind.TimerCallback => "this timer callback runs again on every tick and the thread is not replaced",
                _ => "this local function runs more than once and the thread is not replaced",
            };
        }

        private static HashSet<ISymbol> AssignedSymbols(ControlFlowGraph graph)
        {
            var assigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var block in graph.Blocks)
            {
                foreach (var statement in block.Operations)
                {
                    foreach (var operation in statement.DescendantsAndSelf())
                    {
                        if (operation is IAssignmentOperation assignment && assignment.Target.GetStorageSymbol() is { } symbol)
                        {
                            assigned.Add(symbol);
                        }
                    }
                }
            }

            return assigned;
        }

        /// <summary>
        /// A start guarded by a flag set next to it (<c>if (!started) { started = true; t.Start(); }</c>) or by an
        /// Interlocked test runs once by construction.
        /// </summary>
        private static bool IsGuardedByFlag(IInvocationOperation start)
        {
            IOperation child = start;
            for (var current = start.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                    case IConditionalOperation conditional when conditional.Condition != child:
                        if (ConditionIsOneShot(conditional.Condition, child))
                        {
                            return true;
                        }

                        break;
                    case IBlockOperation block:
                        foreach (var statement in block.Operations)
                        {
                            if (statement == child)
                            {
                                break;
                            }

                            if (statement is IConditionalOperation { WhenTrue: { } exit } earlyExit && ExitsUnconditionally(exit)
                                && ConditionIsOneShot(earlyExit.Condition, block))
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        private static bool ConditionIsOneShot(IOperation condition, IOperation guardedRegion)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation { TargetMethod: { Name: "CompareExchange" or "Exchange", ContainingType.Name: "Interlocked" } })
                {
                    return true;
                }

                if (operation.GetStorageSymbol() is { } flag && IsAssignedIn(guardedRegion, flag))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAssignedIn(IOperation region, ISymbol symbol)
        {
            foreach (var operation in region.DescendantsAndSelf())
            {
                if (operation is IAssignmentOperation assignment
                    && SymbolEqualityComparer.Default.Equals(assignment.Target.GetStorageSymbol(), symbol))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ExitsUnconditionally(IOperation statement) => statement switch
        {
            IReturnOperation or IThrowOperation or IBranchOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IBlockOperation { Operations.Length: > 0 } block => ExitsUnconditionally(block.Operations[block.Operations.Length - 1]),
            _ => false,
        };

        /// <summary>
        /// The visible <c>new Thread(…)</c> last assigned to a local or a non-readonly field before the repeated
        /// start in this root; null when the last assignment is something else, so the fixer stays away.
        /// </summary>
        private SyntaxNode? FindCreation(ISymbol symbol, SyntaxNode start)
        {
            if (symbol is ILocalSymbol { IsRef: false, IsConst: false, IsUsing: false } local)
            {
                if (local.DeclaringSyntaxReferences.Length != 1
                    || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax)
                {
                    return null;
                }
            }
            else if (symbol is not IFieldSymbol { IsReadOnly: false, IsConst: false })
            {
                return null;
            }

            SyntaxNode? creation = null;
            foreach (var operation in _root.Descendants())
            {
                var (target, value) = operation switch
                {
                    ISimpleAssignmentOperation assignment => (assignment.Target.GetStorageSymbol(), assignment.Value),
                    IVariableDeclaratorOperation { Initializer: { } initializer } declarator => (declarator.Symbol, initializer.Value),
                    _ => (null, null),
                };
                if (target is null || !SymbolEqualityComparer.Default.Equals(target, symbol) || operation.Syntax.SpanStart > start.SpanStart)
                {
                    continue;
                }

                creation = value?.WalkDownConversions() is IObjectCreationOperation newThread && WellKnownTypes.Is(newThread.Type, _types.Thread)
                    ? newThread.Syntax
                    : null;
            }

            return creation;
        }
    }
}
