using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>What hands a delegate to another thread.</summary>
internal enum RegionKind
{
    /// <summary><c>new Thread(…)</c>.</summary>
    Thread,

    /// <summary><c>ThreadPool.QueueUserWorkItem</c>/<c>UnsafeQueueUserWorkItem</c>.</summary>
    ThreadPool,

    /// <summary><c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>new Task(…)</c>.</summary>
    Task,

    /// <summary><c>Parallel.For</c>/<c>ForEach</c>/<c>ForEachAsync</c>/<c>Invoke</c>.</summary>
    Parallel,

    /// <summary>A delegate given to a PLINQ operator (<c>ForAll</c>, <c>Select</c> after <c>AsParallel()</c>…).</summary>
    ParallelQuery,

    /// <summary><c>System.Threading.Timer</c> callbacks and <c>System.Timers.Timer.Elapsed</c> handlers.</summary>
    Timer,
}

/// <summary>Which delegate of a <c>Parallel.For</c>/<c>ForEach</c> call a region is.</summary>
internal enum RegionRole
{
    Body,
    LocalInit,
    LocalFinally,
}

/// <summary>Whether the <c>this</c> seen inside a region is one object for every instance of the region.</summary>
internal enum ThisSharing
{
    /// <summary>The creator's own <c>this</c> (captured by a lambda, or a method group on <c>this</c>): one object for all.</summary>
    Shared,

    /// <summary>A method group on an object created once per start (<c>var w = new Worker(); new Thread(w.Run)</c> in a loop).</summary>
    PerStart,

    /// <summary>An object created inside the region (or of unknown origin, such as a parameter of the region): nobody else is known to see it.</summary>
    Fresh,

    /// <summary>
    /// A shared object reached through a field or a captured variable (<c>_buffer.Commit()</c>): one object for every
    /// instance of the region, but which object it is, compared with other regions, is unknown.
    /// </summary>
    Foreign,
}

/// <summary>
/// A piece of code that runs on another thread than the code that created it: the delegate given to a thread,
/// task, pool, <c>Parallel</c> call, PLINQ operator or timer.
/// </summary>
internal sealed class ConcurrentRegion
{
    internal ConcurrentRegion(int index, RegionKind kind, RegionRole role, string starter, IOperation start, SyntaxNode? functionSyntax, IMethodSymbol? method)
    {
        Index = index;
        Kind = kind;
        Role = role;
        Starter = starter;
        Start = start;
        StartSyntax = start.Syntax;
        FunctionSyntax = functionSyntax;
        Method = method;
    }

    /// <summary>Position of the region in <see cref="ConcurrencyModel.Regions"/>.</summary>
    public int Index { get; }

    public RegionKind Kind { get; }

    public RegionRole Role { get; }

    /// <summary>How it was started, for messages: "Parallel.For", "new Thread", "Task.Run", "a timer"…</summary>
    public string Starter { get; }

    /// <summary>The call, creation or <c>+=</c> that hands the delegate over.</summary>
    public IOperation Start { get; }

    public SyntaxNode StartSyntax { get; }

    /// <summary>The lambda, anonymous method, local function or method declaration that runs; null when not in source.</summary>
    public SyntaxNode? FunctionSyntax { get; }

    /// <summary>The method that runs (lambda symbol, local function or method); null when unknown.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>True when two instances of this region can run at the same time (see <see cref="SelfConcurrencyReason"/>).</summary>
    public bool IsSelfConcurrent => SelfConcurrencyReason is not null;

    /// <summary>Why the region runs on several threads at once: "every Parallel.For iteration", "a thread started in a loop"…</summary>
    public string? SelfConcurrencyReason { get; internal set; }

    /// <summary>
    /// True when the creator waits for the region before going on (<c>Parallel.*</c>, PLINQ, <c>await Task.Run(…)</c>,
    /// <c>Task.Run(…).Wait()</c>): the creator's own code never runs beside it.
    /// </summary>
    public bool JoinedAtStart { get; internal set; }

    /// <summary>The local, field or collection that holds the thread or task, when there is one (<c>t</c> in <c>var t = new Thread(…)</c>).</summary>
    public ISymbol? Handle { get; internal set; }

    /// <summary>The loop of the creator around the start, when the region is started once per pass.</summary>
    public SyntaxNode? StartLoopSyntax { get; internal set; }

    /// <summary>What <c>this</c> is inside the region.</summary>
    public ThisSharing This { get; internal set; }

    /// <summary>
    /// For a region that is self-concurrent because the code that starts it repeats (a loop, an event handler, an
    /// outer region), that repeating code: variables declared inside it are one per instance, not shared between instances.
    /// </summary>
    public SyntaxNode? RepetitionScopeSyntax { get; internal set; }

    /// <summary>The executable root (method body…) that holds the start.</summary>
    public IOperation CreatorRoot => FlowGraphs.GetRoot(Start);

    /// <summary>The function (lambda, local function or the root itself) whose code runs the start.</summary>
    public SyntaxNode CreatorFunctionSyntax => (Start.GetEnclosingFunction() ?? CreatorRoot).Syntax;

    /// <summary>True when <paramref name="operation"/> lies in the function that starts this region (not in a lambda inside it).</summary>
    public bool IsInCreator(IOperation operation)
        => (operation.GetEnclosingFunction()?.Syntax ?? FlowGraphs.GetRoot(operation).Syntax) == CreatorFunctionSyntax;

    /// <summary>The function bodies this region runs, with how each is reached (depth 0 = the region's own delegate).</summary>
    internal List<RegionEntry> Entries { get; } = new();

    /// <summary>Short description for messages: "the Task.Run callback", "the thread started by 'new Thread(Worker)'".</summary>
    public string Describe() => Kind switch
    {
        RegionKind.Parallel or RegionKind.ParallelQuery => "the " + Starter + " " + (Role == RegionRole.Body ? "body" : Role == RegionRole.LocalInit ? "localInit" : "localFinally"),
        RegionKind.Thread => Method is { MethodKind: not MethodKind.AnonymousFunction, Name: { Length: > 0 } name } ? "the thread running '" + name + "'" : "the new Thread body",
        RegionKind.Timer => "the timer callback",
        _ => "the " + Starter + " callback",
    };
}

/// <summary>How a function body runs inside a region: directly (depth 0) or through calls (depth 1…<see cref="ConcurrencyModel.MaxReachDepth"/>).</summary>
internal sealed class RegionEntry
{
    private readonly ConcurrencyModel? _model;
    private readonly IMethodSymbol? _method;
    private IOperation? _body;

    internal RegionEntry(ConcurrentRegion region, SyntaxNode functionSyntax, IOperation body, int depth, bool protectedOnPath, ThisSharing thisSharing, SyntaxNode? callSite)
    {
        Region = region;
        FunctionSyntax = functionSyntax;
        _body = body;
        Depth = depth;
        ProtectedOnPath = protectedOnPath;
        This = thisSharing;
        CallSite = callSite;
    }

    /// <summary>An entry whose body is bound only when asked for (<see cref="GetBody"/>): a called method known to have one.</summary>
    internal RegionEntry(ConcurrentRegion region, SyntaxNode functionSyntax, ConcurrencyModel model, IMethodSymbol method, int depth, bool protectedOnPath, ThisSharing thisSharing, SyntaxNode? callSite)
    {
        Region = region;
        FunctionSyntax = functionSyntax;
        _model = model;
        _method = method;
        Depth = depth;
        ProtectedOnPath = protectedOnPath;
        This = thisSharing;
        CallSite = callSite;
    }

    public ConcurrentRegion Region { get; }

    /// <summary>The lambda, local function or method declaration that runs.</summary>
    public SyntaxNode FunctionSyntax { get; }

    /// <summary>
    /// The operation of that function (an anonymous function, local function or method body). A called method is bound
    /// on the first call, so that reaching a method costs no binding until someone reads its operations.
    /// </summary>
    /// <remarks>
    /// Only methods whose declaration has a body are bound here (see <see cref="ConcurrencyModel.HasBodyToBind"/>), so
    /// binding gives one; null only if broken code ever defeats that, and then the entry contributes nothing.
    /// </remarks>
    public IOperation? GetBody(System.Threading.CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _body) is { } body)
        {
            return body;
        }

        body = _model?.GetMethodBody(_method!, out _, cancellationToken);
        Volatile.Write(ref _body, body);
        return body;
    }

    /// <summary>0 for the region's own delegate, n for a method reached through n calls.</summary>
    public int Depth { get; }

    /// <summary>True when some call on the way from the region to this body is made under a lock.</summary>
    public bool ProtectedOnPath { get; }

    /// <summary>What <c>this</c> is inside this body.</summary>
    public ThisSharing This { get; }

    /// <summary>The call (in the region or a reached method) that leads here; null at depth 0.</summary>
    public SyntaxNode? CallSite { get; }
}

/// <summary>
/// The compilation's concurrent regions and which code runs inside them. Built once per compilation, on first
/// question, from a cached syntax prefilter of each tree (only the few calls whose names can start a thread are
/// bound), then following calls into source methods at most <see cref="MaxReachDepth"/> levels deep.
/// </summary>
/// <remarks>
/// Usage from a rule: <c>var model = ConcurrencyModel.Get(compilation, types);</c> then
/// <see cref="GetEntries"/> for "does this operation run in a concurrent region, which one, how", and
/// <see cref="MayOverlap"/>/<see cref="MayRunDuring"/> for ordering. Every fact is computed once and cached.
/// </remarks>
internal sealed class ConcurrencyModel
{
    /// <summary>How many calls deep a region's reach is followed (region body = 0).</summary>
    public const int MaxReachDepth = 3;

    /// <summary>At most this many function bodies are followed per region (breadth first), so that a region calling into a large call graph stays cheap.</summary>
    public const int MaxEntriesPerRegion = 64;

    private static readonly ConditionalWeakTable<Compilation, ConcurrencyModel> Cache = new();

    /// <summary>
    /// Every <see cref="IsCandidateStart"/> names one of these (a call's name or receiver, a created type, Elapsed), or
    /// is a target-typed <c>new(…)</c>: a tree whose text has none of them has no candidate and is not walked.
    /// </summary>
    private static readonly string[] CandidateWords =
    {
        "StartNew", "QueueUserWorkItem", "UnsafeQueueUserWorkItem", "ForAll", "Run", "For", "ForEach", "ForEachAsync", "Invoke",
        "AsParallel", "Task", "Parallel", "Thread", "Timer", "Elapsed",
    };

    private readonly object _gate = new();
    private readonly SemanticModels _semanticModels;
    private List<ConcurrentRegion>? _regions;
    private Dictionary<SyntaxNode, List<RegionEntry>>? _entries;
    private RegionOrderingCache? _ordering;

    private ConcurrencyModel(Compilation compilation, WellKnownTypes types)
    {
        Compilation = compilation;
        _semanticModels = SemanticModels.Of(compilation);
        Types = types;
    }

    public Compilation Compilation { get; }

    public WellKnownTypes Types { get; }

    /// <summary>The model of <paramref name="compilation"/>, shared by every rule.</summary>
    public static ConcurrencyModel Get(Compilation compilation, WellKnownTypes types)
        => Cache.GetValue(compilation, c => new ConcurrencyModel(c, types));

    /// <summary>Every concurrent region of the compilation.</summary>
    public IReadOnlyList<ConcurrentRegion> GetRegions(CancellationToken cancellationToken)
    {
        EnsureBuilt(cancellationToken);
        return _regions!;
    }

    /// <summary>
    /// The regions <paramref name="operation"/> runs in, one entry per (region, way of reaching it): when it sits in a
    /// region's delegate (or a lambda nested in it), or in a method or local function called from one. Empty when
    /// nothing shows that it runs on another thread.
    /// </summary>
    public List<RegionEntry> GetEntries(IOperation operation, CancellationToken cancellationToken)
    {
        EnsureBuilt(cancellationToken);
        var result = new List<RegionEntry>();
        var entries = _entries!;
        if (entries.Count == 0)
        {
            return result;
        }

        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation && entries.TryGetValue(current.Syntax, out var found))
            {
                result.AddRange(found);
            }

            if (current.Parent is null && entries.TryGetValue(current.Syntax, out var atRoot))
            {
                result.AddRange(atRoot);
            }
        }

        return result;
    }

    /// <summary>
    /// Syntax-only pre-check, no binding: true when <paramref name="node"/> lies in a region's delegate or in a method
    /// reached from one. Rules call it first, so that code no region reaches costs nothing more.
    /// </summary>
    public bool MayBeInRegion(SyntaxNode node, CancellationToken cancellationToken)
    {
        EnsureBuilt(cancellationToken);
        var entries = _entries!;
        if (entries.Count == 0)
        {
            return false;
        }

        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (entries.ContainsKey(current))
            {
                return true;
            }

            if (current is BaseTypeDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="operation"/> runs in at least one concurrent region.</summary>
    public bool IsInConcurrentRegion(IOperation operation, CancellationToken cancellationToken)
        => GetEntries(operation, cancellationToken).Count > 0;

    /// <summary>
    /// True when <paramref name="region"/> may be running while <paramref name="operation"/> (code of the function
    /// that started it) executes: after the start, and not after a Join/Wait/WaitAll/awaited WhenAll covering it.
    /// For code in another function the order is unknown: true unless the region is joined at its start.
    /// </summary>
    public bool MayRunDuring(ConcurrentRegion region, IOperation operation, CancellationToken cancellationToken)
    {
        if (region.JoinedAtStart)
        {
            return false;
        }

        EnsureBuilt(cancellationToken);
        return _ordering!.Get(region.CreatorRoot, cancellationToken).MayRunDuring(region, operation);
    }

    /// <summary>
    /// True when two different regions can run at the same time. Regions started by the same function are ordered
    /// by its starts and joins; regions of different functions overlap unless one is joined at its start.
    /// </summary>
    public bool MayOverlap(ConcurrentRegion first, ConcurrentRegion second, CancellationToken cancellationToken)
    {
        if (first == second)
        {
            return first.IsSelfConcurrent;
        }

        if (first.StartSyntax == second.StartSyntax)
        {
            // Parallel.Invoke(a, b), or localInit/body/localFinally of one Parallel call.
            return first.Kind != RegionKind.Parallel || first.Role == RegionRole.Body && second.Role == RegionRole.Body;
        }

        if (first.CreatorFunctionSyntax == second.CreatorFunctionSyntax)
        {
            EnsureBuilt(cancellationToken);
            return _ordering!.Get(first.CreatorRoot, cancellationToken).MayOverlap(first, second);
        }

        // A region started inside another region's code runs beside it.
        if (first.FunctionSyntax is { } f1 && f1.SyntaxTree == second.StartSyntax.SyntaxTree && f1.Span.Contains(second.StartSyntax.Span)
            || second.FunctionSyntax is { } f2 && f2.SyntaxTree == first.StartSyntax.SyntaxTree && f2.Span.Contains(first.StartSyntax.Span))
        {
            return true;
        }

        return !first.JoinedAtStart && !second.JoinedAtStart;
    }

    /// <summary>
    /// Syntax prefilter: true when <paramref name="node"/> may start a concurrent region (a call named like
    /// <c>Task.Run</c>/<c>Parallel.For</c>/<c>QueueUserWorkItem</c>/<c>StartNew</c>/<c>ForAll</c>, a PLINQ operator,
    /// <c>new Thread/Task/Timer(…)</c>, <c>x.Elapsed += …</c>). Rules can use it to trigger cheaply.
    /// </summary>
    public static bool IsCandidateStart(SyntaxNode node)
    {
        switch (node)
        {
            // Every region is a delegate argument: a call or creation with no arguments starts none (Stopwatch.StartNew()).
            case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 }:
            case BaseObjectCreationExpressionSyntax { ArgumentList: null or { Arguments.Count: 0 } }:
                return false;
            case InvocationExpressionSyntax invocation:
                var (name, receiver, conditional) = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax access => (access.Name.Identifier.ValueText, access.Expression, false),
                    IdentifierNameSyntax identifier => (identifier.Identifier.ValueText, null, false),
                    GenericNameSyntax generic => (generic.Identifier.ValueText, null, false),
                    MemberBindingExpressionSyntax binding => (binding.Name.Identifier.ValueText, null, true),
                    _ => (string.Empty, (ExpressionSyntax?)null, false),
                };
                switch (name)
                {
                    case "StartNew" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" or "ForAll":
                        return true;
                    case "Run" or "For" or "ForEach" or "ForEachAsync" or "Invoke":
                        // Task.Run / Parallel.For, or the bare name under 'using static'; never handler?.Invoke(…).
                        return receiver is null ? !conditional : RightmostName(receiver) is "Task" or "Parallel";
                    default:
                        return receiver is not null && name.Length > 0 && ChainHasAsParallel(receiver);
                }

            case ObjectCreationExpressionSyntax creation:
                return RightmostName(creation.Type) is "Thread" or "Task" or "Timer";
            case ImplicitObjectCreationExpressionSyntax implicitCreation:
                // Thread t = new(…), Timer _timer = new(…): the declared type says it; otherwise a delegate argument must.
                return implicitCreation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } }
                        && RightmostName(declaration.Type) is "Thread" or "Task" or "Timer"
                    || HasFunctionArgument(implicitCreation.ArgumentList);
            case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.AddAssignmentExpression):
                return assignment.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Elapsed" } or IdentifierNameSyntax { Identifier.ValueText: "Elapsed" };
            default:
                return false;
        }
    }

    private static string? RightmostName(SyntaxNode node) => node switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        QualifiedNameSyntax qualified => RightmostName(qualified.Right),
        AliasQualifiedNameSyntax alias => RightmostName(alias.Name),
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };

    private static bool HasFunctionArgument(ArgumentListSyntax? arguments)
    {
        if (arguments is null)
        {
            return false;
        }

        foreach (var argument in arguments.Arguments)
        {
            if (argument.Expression is AnonymousFunctionExpressionSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static bool ChainHasAsParallel(ExpressionSyntax receiver)
    {
        var current = receiver;
        for (var depth = 0; depth < 16 && current is not null; depth++)
        {
            switch (current)
            {
                case InvocationExpressionSyntax invocation:
                    if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsParallel" })
                    {
                        return true;
                    }

                    current = invocation.Expression;
                    break;
                case MemberAccessExpressionSyntax access:
                    current = access.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    current = parenthesized.Expression;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The semantic model of a tree of this compilation (the driver's shared model where it provides one).</summary>
    internal SemanticModel GetModel(SyntaxTree tree) => _semanticModels.Get(tree);

    /// <summary>
    /// Syntax and symbol only: true when <see cref="GetMethodBody"/> is sure to find a body for <paramref name="method"/>
    /// (a method or local function declared once in this compilation with a block or expression body), with that declaration.
    /// </summary>
    internal bool HasBodyToBind(IMethodSymbol method, out SyntaxNode? declaration, CancellationToken cancellationToken)
    {
        declaration = null;
        var target = method.PartialImplementationPart ?? method;
        if (target.IsAbstract || target.IsExtern || target.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var syntax = target.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        var hasBody = syntax switch
        {
            MethodDeclarationSyntax declared => declared.Body is not null || declared.ExpressionBody is not null,
            LocalFunctionStatementSyntax local => local.Body is not null || local.ExpressionBody is not null,
            _ => false,
        };
        if (!hasBody || !Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
        {
            return false;
        }

        declaration = syntax;
        return true;
    }

    /// <summary>The operation of a source method's body (the implementation part of a partial method); null when it has none.</summary>
    internal IOperation? GetMethodBody(IMethodSymbol method, out SyntaxNode? declaration, CancellationToken cancellationToken)
    {
        declaration = null;
        var target = method.PartialImplementationPart ?? method;
        if (target.IsAbstract || target.IsExtern || target.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        declaration = target.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (!Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
        {
            return null;
        }

        var operation = GetModel(declaration.SyntaxTree).GetOperation(declaration, cancellationToken);
        return operation switch
        {
            IMethodBodyOperation or ILocalFunctionOperation or IAnonymousFunctionOperation => operation,
            _ => null,
        };
    }

    private void EnsureBuilt(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _entries) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries is not null)
            {
                return;
            }

            var builder = new RegionBuilder(this, cancellationToken);
            var regions = builder.Discover();
            _ordering = new RegionOrderingCache(regions, Types);
            _regions = regions;
            builder.ComputeSelfConcurrency(regions, _ordering);
            var entries = builder.ComputeReach(regions);
            Volatile.Write(ref _entries, entries);
        }
    }

    /// <summary>
    /// The candidate starts of one tree, found around the words of its text. Read once per compilation (by the
    /// discovery), so not kept per tree: a table keyed by tree cost more in a build, where every compilation brings new
    /// trees, than the scan it saved (about 5 ms of lock waits against 4 ms of scanning on StackExchange.Redis).
    /// </summary>
    private static List<SyntaxNode> GetCandidates(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var found = new List<SyntaxNode>();
        var positions = TextMentions.WordPositions(tree, CandidateWords, implicitNew: true, cancellationToken);
        if (positions.Count > 0)
        {
            FindCandidatesAt(tree.GetRoot(cancellationToken), positions, found);
        }

        return found;
    }

    /// <summary>
    /// The candidates around the words found in the text: every candidate holds one of <see cref="CandidateWords"/> (or
    /// a target-typed <c>new</c>) outside any statement of its own, so climbing from those tokens to the enclosing
    /// statement finds them all without walking the rest of the tree. Added in document order, outer before inner.
    /// </summary>
    private static void FindCandidatesAt(SyntaxNode root, List<int> positions, List<SyntaxNode> found)
    {
        var seen = new HashSet<SyntaxNode>();
        foreach (var position in positions)
        {
            for (var node = root.FindToken(position).Parent; node is not null and not StatementSyntax and not MemberDeclarationSyntax; node = node.Parent)
            {
                if (IsCandidateStart(node) && seen.Add(node))
                {
                    found.Add(node);
                }
            }
        }

        found.Sort(static (x, y) => x.SpanStart != y.SpanStart ? x.SpanStart.CompareTo(y.SpanStart) : y.Span.Length.CompareTo(x.Span.Length));
    }

    /// <summary>Builds the regions; lives only during <see cref="EnsureBuilt"/>.</summary>
    private sealed class RegionBuilder
    {
        private readonly ConcurrencyModel _model;
        private readonly WellKnownTypes _types;
        private readonly CancellationToken _cancellationToken;

        public RegionBuilder(ConcurrencyModel model, CancellationToken cancellationToken)
        {
            _model = model;
            _types = model.Types;
            _cancellationToken = cancellationToken;
        }

        public List<ConcurrentRegion> Discover()
        {
            var regions = new List<ConcurrentRegion>();
            foreach (var tree in _model.Compilation.SyntaxTrees)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var candidates = GetCandidates(tree, _cancellationToken);
                if (candidates.Count == 0)
                {
                    continue;
                }

                var semanticModel = _model.GetModel(tree);
                foreach (var node in candidates)
                {
                    if (semanticModel.GetOperation(node, _cancellationToken) is { } operation)
                    {
                        DiscoverAt(operation, regions);
                    }
                }
            }

            return regions;
        }

        private void DiscoverAt(IOperation operation, List<ConcurrentRegion> regions)
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when creation.Type is { } type:
                    if (WellKnownTypes.Is(type, _types.Thread))
                    {
                        AddFromArguments(creation.Arguments, RegionKind.Thread, "new Thread", creation, regions, "start");
                    }
                    else if (WellKnownTypes.Is(type, _types.Task) || WellKnownTypes.Is(type, _types.Task1))
                    {
                        AddFromArguments(creation.Arguments, RegionKind.Task, "new Task", creation, regions, "action", "function");
                    }
                    else if (WellKnownTypes.Is(type, _types.ThreadingTimer))
                    {
                        AddFromArguments(creation.Arguments, RegionKind.Timer, "Timer", creation, regions, "callback");
                    }

                    break;
                case IInvocationOperation invocation:
                    DiscoverInvocation(invocation, regions);
                    break;
                case IEventAssignmentOperation { Adds: true } subscription
                    when subscription.EventReference is IEventReferenceOperation { Event.Name: "Elapsed" } eventReference
                        && WellKnownTypes.IsOrDerivesFrom(eventReference.Event.ContainingType, _types.TimersTimer):
                    AddRegion(regions, RegionKind.Timer, RegionRole.Body, "Timer.Elapsed", subscription, subscription.HandlerValue);
                    break;
            }
        }

        private void DiscoverInvocation(IInvocationOperation invocation, List<ConcurrentRegion> regions)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            switch (method.Name)
            {
                case "Run" when WellKnownTypes.Is(type, _types.Task):
                    AddFromArguments(invocation.Arguments, RegionKind.Task, "Task.Run", invocation, regions, "action", "function");
                    return;
                case "StartNew" when WellKnownTypes.Is(type, _types.TaskFactory) || WellKnownTypes.Is(type, _types.TaskFactory1):
                    AddFromArguments(invocation.Arguments, RegionKind.Task, "Task.Factory.StartNew", invocation, regions, "action", "function");
                    return;
                case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when WellKnownTypes.Is(type, _types.ThreadPool):
                    AddFromArguments(invocation.Arguments, RegionKind.ThreadPool, "ThreadPool." + method.Name, invocation, regions, "callBack");
                    return;
                case "For" or "ForEach" or "ForEachAsync" when WellKnownTypes.Is(type, _types.Parallel):
                    foreach (var argument in invocation.Arguments)
                    {
                        var role = argument.Parameter?.Name switch
                        {
                            "body" => RegionRole.Body,
                            "localInit" => RegionRole.LocalInit,
                            "localFinally" => RegionRole.LocalFinally,
                            _ => (RegionRole?)null,
                        };
                        if (role is { } r)
                        {
                            AddRegion(regions, RegionKind.Parallel, r, "Parallel." + method.Name, invocation, argument.Value);
                        }
                    }

                    return;
                case "Invoke" when WellKnownTypes.Is(type, _types.Parallel):
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Value.WalkDownConversions() is IArrayCreationOperation { Initializer: { } initializer })
                        {
                            foreach (var element in initializer.ElementValues)
                            {
                                AddRegion(regions, RegionKind.Parallel, RegionRole.Body, "Parallel.Invoke", invocation, element);
                            }
                        }
                        else if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
                        {
                            AddRegion(regions, RegionKind.Parallel, RegionRole.Body, "Parallel.Invoke", invocation, argument.Value);
                        }
                    }

                    return;
            }

            if (WellKnownTypes.Is(type, _types.ParallelEnumerable))
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
                    {
                        AddRegion(regions, RegionKind.ParallelQuery, RegionRole.Body, "PLINQ " + method.Name, invocation, argument.Value);
                    }
                }
            }
        }

        private void AddFromArguments(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, RegionKind kind, string starter, IOperation start, List<ConcurrentRegion> regions, params string[] parameterNames)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter && parameter.Type.TypeKind == TypeKind.Delegate
                    && System.Array.IndexOf(parameterNames, parameter.Name) >= 0)
                {
                    AddRegion(regions, kind, RegionRole.Body, starter, start, argument.Value);
                    return;
                }
            }
        }

        private void AddRegion(List<ConcurrentRegion> regions, RegionKind kind, RegionRole role, string starter, IOperation start, IOperation delegateValue)
        {
            var (functionSyntax, method, receiver) = ResolveDelegate(delegateValue, start, depth: 0);
            if (functionSyntax is null && method is null)
            {
                return;
            }

            var region = new ConcurrentRegion(regions.Count, kind, role, starter, start, functionSyntax, method);
            var (handle, joined) = FindHandle(start);
            region.Handle = handle;
            region.JoinedAtStart = joined || kind is RegionKind.Parallel or RegionKind.ParallelQuery && !IsUnawaitedForEachAsync(start);
            region.StartLoopSyntax = start.GetEnclosingLoop()?.Syntax;
            region.This = ClassifyReceiver(receiver, region);
            regions.Add(region);
        }

        private static bool IsUnawaitedForEachAsync(IOperation start)
            => start is IInvocationOperation { TargetMethod.Name: "ForEachAsync" } && start.WalkUpConversions() is not IAwaitOperation;

        private static ThisSharing ClassifyReceiver(IOperation? receiver, ConcurrentRegion region)
        {
            switch (receiver?.WalkDownConversions())
            {
                case null:
                    return ThisSharing.Shared;
                case IInstanceReferenceOperation reference:
                    return reference.IsThisReference() ? ThisSharing.Shared : ThisSharing.Fresh;
                case IObjectCreationOperation:
                    return ThisSharing.Fresh;
                case ILocalReferenceOperation local when region.StartLoopSyntax is { } loop
                    && local.Local.DeclaringSyntaxReferences.Length == 1
                    && local.Local.DeclaringSyntaxReferences[0].SyntaxTree == loop.SyntaxTree
                    && loop.Span.Contains(local.Local.DeclaringSyntaxReferences[0].Span):
                    return ThisSharing.PerStart;
                default:
                    return ThisSharing.Foreign;
            }
        }

        /// <summary>The function that a delegate value runs, and the receiver of a method group.</summary>
        private (SyntaxNode? Function, IMethodSymbol? Method, IOperation? Receiver) ResolveDelegate(IOperation value, IOperation context, int depth)
        {
            var current = value.WalkDownConversions();
            if (current is IDelegateCreationOperation creation)
            {
                current = creation.Target.WalkDownConversions();
            }

            switch (current)
            {
                case IAnonymousFunctionOperation anonymous:
                    return (anonymous.Syntax, anonymous.Symbol, null);
                case IMethodReferenceOperation reference:
                    var method = reference.Method;
                    SyntaxNode? syntax = null;
                    var target = method.PartialImplementationPart ?? method;
                    if (!target.IsAbstract && !target.IsExtern && target.DeclaringSyntaxReferences.Length == 1)
                    {
                        syntax = target.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
                    }

                    return (syntax, method, reference.Instance);
                case ILocalReferenceOperation local when depth < 3 && local.Type?.TypeKind == TypeKind.Delegate:
                    return ResolveLocalDelegate(local.Local, context, depth);
                default:
                    return (null, null, null);
            }
        }

        /// <summary>A delegate local assigned exactly once in its function: what it was assigned.</summary>
        private (SyntaxNode?, IMethodSymbol?, IOperation?) ResolveLocalDelegate(ILocalSymbol local, IOperation context, int depth)
        {
            IOperation? value = null;
            var assignments = 0;
            foreach (var operation in FlowGraphs.GetRoot(context).Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.Initializer is { } initializer)
                        {
                            value = initializer.Value;
                            assignments++;
                        }

                        break;
                    case IAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation target
                        && SymbolEqualityComparer.Default.Equals(target.Local, local):
                        value = assignment.Value;
                        assignments++;
                        break;
                }
            }

            return assignments == 1 && value is not null ? ResolveDelegate(value, context, depth + 1) : (null, null, null);
        }

        /// <summary>
        /// Follows the value of a start upwards to where it is kept (<c>var t = …</c>, <c>tasks.Add(…)</c>, <c>ts[i] = …</c>)
        /// and tells whether it is waited for on the spot (<c>await</c>, <c>.Wait()</c>, <c>.Result</c>, <c>Task.WaitAll(…)</c>).
        /// </summary>
        private static (ISymbol? Handle, bool Joined) FindHandle(IOperation start)
        {
            IOperation current = start;
            for (var step = 0; step < 12 && current.Parent is { } parent; step++, current = parent)
            {
                switch (parent)
                {
                    case IConversionOperation or IParenthesizedOperation or IArrayInitializerOperation or IArrayCreationOperation or IDelegateCreationOperation:
                        continue;
                    case IAwaitOperation:
                        return (null, true);
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return (declarator.Symbol, false);
                    case ISimpleAssignmentOperation assignment when assignment.Value == current:
                        return (assignment.Target.GetStorageSymbol() ?? ElementOwner(assignment.Target), false);
                    case IPropertyReferenceOperation { Property.Name: "Result" }:
                        return (null, true);
                    case IInvocationOperation invocation when invocation.Instance == current:
                        if (invocation.TargetMethod.Name is "Wait" or "GetAwaiter" or "RunSynchronously" or "Join")
                        {
                            return (null, true);
                        }

                        continue;
                    case IArgumentOperation { Parent: IInvocationOperation call }:
                        var name = call.TargetMethod.Name;
                        if (name is "WaitAll")
                        {
                            return (null, true);
                        }

                        if (name is "Add" or "Enqueue" or "Push" or "TryAdd" or "Insert" or "Post" or "SendAsync" or "TryWrite" or "WriteAsync")
                        {
                            return (call.Instance?.GetStorageSymbol(), false);
                        }

                        parent = call;
                        continue;
                    case IReturnOperation when parent.GetEnclosingFunction() is IAnonymousFunctionOperation lambda:
                        // items.Select(i => Task.Run(…)): keep following the query the lambda is given to.
                        current = lambda;
                        parent = lambda;
                        continue;
                    case IBlockOperation when current is IReturnOperation:
                        continue;
                    default:
                        return (null, false);
                }
            }

            return (null, false);
        }

        private static ISymbol? ElementOwner(IOperation target) => target switch
        {
            IArrayElementReferenceOperation element => element.ArrayReference.GetStorageSymbol(),
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance.GetStorageSymbol(),
            _ => null,
        };

        public void ComputeSelfConcurrency(List<ConcurrentRegion> regions, RegionOrderingCache ordering)
        {
            var byFunction = new Dictionary<SyntaxNode, ConcurrentRegion>();
            foreach (var region in regions)
            {
                if (region.FunctionSyntax is { } function)
                {
                    byFunction[function] = region;
                }

                region.SelfConcurrencyReason = OwnReason(region, ordering);
            }

            // Started from code that itself runs repeatedly or on several threads (a region inside a self-concurrent region).
            for (var pass = 0; pass < 3; pass++)
            {
                var changed = false;
                foreach (var region in regions)
                {
                    if (region.IsSelfConcurrent)
                    {
                        continue;
                    }

                    for (var function = region.Start.GetEnclosingFunction(); function is not null; function = function.GetEnclosingFunction())
                    {
                        if (byFunction.TryGetValue(function.Syntax, out var outer) && outer.IsSelfConcurrent)
                        {
                            region.SelfConcurrencyReason = "every " + region.Starter + " started by " + outer.Describe() + ", which runs on several threads";
                            region.RepetitionScopeSyntax = function.Syntax;
                            changed = true;
                            break;
                        }
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            // The same delegate started more than once while an earlier start may still run.
            var byTarget = new Dictionary<object, List<ConcurrentRegion>>(SymbolKeyComparer.Instance);
            foreach (var region in regions)
            {
                if (region.Kind is RegionKind.Parallel or RegionKind.ParallelQuery && region.Starter != "Parallel.Invoke")
                {
                    continue;
                }

                object? key = (object?)region.FunctionSyntax ?? region.Method?.OriginalDefinition;
                if (key is null)
                {
                    continue;
                }

                if (!byTarget.TryGetValue(key, out var list))
                {
                    byTarget[key] = list = new List<ConcurrentRegion>();
                }

                list.Add(region);
            }

            foreach (var group in byTarget.Values)
            {
                if (group.Count < 2)
                {
                    continue;
                }

                for (var i = 0; i < group.Count; i++)
                {
                    for (var j = i + 1; j < group.Count; j++)
                    {
                        if (group[i].This == ThisSharing.Shared && group[j].This == ThisSharing.Shared
                            && OverlapForDuplicates(group[i], group[j], ordering))
                        {
                            var reason = "'" + (group[i].Method?.Name ?? "it") + "', which is started more than once and can run on several threads at once";
                            group[i].SelfConcurrencyReason ??= reason;
                            group[j].SelfConcurrencyReason ??= reason;
                        }
                    }
                }
            }
        }

        private bool OverlapForDuplicates(ConcurrentRegion first, ConcurrentRegion second, RegionOrderingCache ordering)
        {
            if (first.StartSyntax == second.StartSyntax)
            {
                return true;
            }

            if (first.CreatorFunctionSyntax == second.CreatorFunctionSyntax)
            {
                return ordering.Get(first.CreatorRoot, _cancellationToken).MayOverlap(first, second);
            }

            return !first.JoinedAtStart && !second.JoinedAtStart;
        }

        private string? OwnReason(ConcurrentRegion region, RegionOrderingCache ordering)
        {
            switch (region.Kind)
            {
                case RegionKind.Parallel when region.Starter == "Parallel.Invoke":
                    break;
                case RegionKind.Parallel:
                    return region.Role switch
                    {
                        RegionRole.LocalInit => "every " + region.Starter + " worker's localInit",
                        RegionRole.LocalFinally => "every " + region.Starter + " worker's localFinally",
                        _ => "every " + region.Starter + " iteration",
                    };
                case RegionKind.ParallelQuery:
                    return "every " + region.Starter + " call, which PLINQ runs on several threads";
                case RegionKind.Timer:
                    if (region.Start is IObjectCreationOperation timer)
                    {
                        var periodic = false;
                        foreach (var argument in timer.Arguments)
                        {
                            if (argument.Parameter?.Name == "period")
                            {
                                periodic = !argument.Value.IsInfiniteTimeout();
                            }
                        }

                        if (periodic)
                        {
                            return "every timer tick, which can start before the previous callback has finished";
                        }

                        break;
                    }

                    return RunsOneAtATime(region) ? null : "every Elapsed event, which can be raised before the previous handler has finished";
            }

            if (region.JoinedAtStart)
            {
                // Each repetition waits for its own start (await Task.Run(…) in a loop): one at a time.
                return null;
            }

            if (region.StartLoopSyntax is not null)
            {
                // for (…) { var t = new Thread(…); t.Start(); t.Join(); } runs one at a time too.
                if (!ordering.Get(region.CreatorRoot, _cancellationToken).MayOverlap(region, region))
                {
                    return null;
                }

                region.RepetitionScopeSyntax = region.StartLoopSyntax;
                return "every " + region.Starter + " started in the loop";
            }

            region.RepetitionScopeSyntax = region.Start.GetEnclosingFunction()?.Syntax;
            switch (region.Start.GetEnclosingFunction())
            {
                case IAnonymousFunctionOperation anonymous:
                    switch (FunctionRuns.ClassifyDelegateUse(anonymous, _types))
                    {
                        case FunctionRunKind.EventHandler:
                            return "every " + region.Starter + " started by an event handler, once per event";
                        case FunctionRunKind.TimerCallback:
                            return "every " + region.Starter + " started by a timer callback, once per tick";
                    }

                    if (anonymous.WalkUpConversions() is IArgumentOperation { Parent: IInvocationOperation call } && RunsPerElement(call))
                    {
                        return "every " + region.Starter + " started once per element by '" + call.TargetMethod.Name + "'";
                    }

                    break;
                case ILocalFunctionOperation localFunction
                    when FunctionRuns.ClassifyLocalFunction(localFunction.Symbol.OriginalDefinition, region.CreatorRoot, _types) == FunctionRunKind.CalledRepeatedly:
                    return "every " + region.Starter + " started by '" + localFunction.Symbol.Name + "', which is called repeatedly";
            }

            region.RepetitionScopeSyntax = null;
            return null;
        }

        private bool RunsPerElement(IInvocationOperation call)
            => WellKnownTypes.Is(call.TargetMethod.ContainingType, _types.Enumerable)
                || call.TargetMethod.Name == "ForEach" && (WellKnownTypes.Is(call.TargetMethod.ContainingType, _types.List1) || call.TargetMethod.ContainingType.SpecialType == SpecialType.System_Array);

        /// <summary>
        /// A System.Timers.Timer whose creator sets <c>AutoReset = false</c> (one tick) or a <c>SynchronizingObject</c>
        /// (handlers marshalled to one UI thread) does not run its Elapsed handler on several threads at once.
        /// </summary>
        private static bool RunsOneAtATime(ConcurrentRegion region)
        {
            if (region.Start is not IEventAssignmentOperation { EventReference: IEventReferenceOperation { Instance: { } instance } })
            {
                return false;
            }

            var timer = instance.GetStorageSymbol();
            foreach (var operation in region.CreatorRoot.Descendants())
            {
                if (operation is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "AutoReset" or "SynchronizingObject" } property } assignment
                    || property.Property.ContainingType?.Name != "Timer")
                {
                    continue;
                }

                var oneAtATime = property.Property.Name == "AutoReset"
                    ? assignment.Value.ConstantValue is { HasValue: true, Value: false }
                    : assignment.Value.WalkDownConversions().ConstantValue is not { HasValue: true, Value: null };
                if (!oneAtATime)
                {
                    continue;
                }

                // timer.AutoReset = false, or new Timer { AutoReset = false } (the initializer's implicit receiver).
                if (property.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }
                    || timer is null && property.Instance.IsThisReference()
                    || timer is not null && SymbolEqualityComparer.Default.Equals(property.Instance.GetStorageSymbol(), timer))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Entries of every region: its delegate, then source methods and local functions it calls, breadth first.</summary>
        public Dictionary<SyntaxNode, List<RegionEntry>> ComputeReach(List<ConcurrentRegion> regions)
        {
            var entries = new Dictionary<SyntaxNode, List<RegionEntry>>();
            var regionFunctions = new HashSet<SyntaxNode>();
            foreach (var region in regions)
            {
                if (region.FunctionSyntax is { } function)
                {
                    regionFunctions.Add(function);
                }
            }

            var queue = new Queue<RegionEntry>();
            var visited = new HashSet<SyntaxNode>();
            foreach (var region in regions)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (region.FunctionSyntax is not { } function || FunctionBody(region, function) is not { } body)
                {
                    continue;
                }

                visited.Clear();
                queue.Clear();
                var root = new RegionEntry(region, function, body, 0, protectedOnPath: false, region.This, callSite: null);
                queue.Enqueue(root);
                visited.Add(function);
                while (queue.Count > 0)
                {
                    var entry = queue.Dequeue();
                    region.Entries.Add(entry);
                    if (!entries.TryGetValue(entry.FunctionSyntax, out var list))
                    {
                        entries[entry.FunctionSyntax] = list = new List<RegionEntry>();
                    }

                    list.Add(entry);
                    if (entry.Depth >= MaxReachDepth || visited.Count >= MaxEntriesPerRegion)
                    {
                        continue;
                    }

                    if (entry.GetBody(_cancellationToken) is not { } entryBody)
                    {
                        continue;
                    }

                    foreach (var operation in OperationWalk.InFunction(entryBody, regionFunctions))
                    {
                        if (operation is not IInvocationOperation call || call.TargetMethod.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
                        {
                            continue;
                        }

                        if (visited.Count >= MaxEntriesPerRegion || !IsInSource(call.TargetMethod))
                        {
                            continue;
                        }

                        var target = call.TargetMethod.OriginalDefinition;
                        var thisSharing = call.TargetMethod.IsStatic || call.TargetMethod.MethodKind == MethodKind.LocalFunction
                            ? entry.This
                            : ClassifyCallReceiver(call.Instance, entry);
                        if (_model.HasBodyToBind(target, out var declaration, _cancellationToken))
                        {
                            // Bound later, if ever: only when its calls are followed or someone reads its operations.
                            if (visited.Add(declaration!))
                            {
                                var isLockedCall = entry.ProtectedOnPath || LockFacts.IsInsideLock(call, _types);
                                queue.Enqueue(new RegionEntry(region, declaration!, _model, target, entry.Depth + 1, isLockedCall, thisSharing, call.Syntax));
                            }

                            continue;
                        }

                        var callee = _model.GetMethodBody(target, out declaration, _cancellationToken);
                        if (callee is null || declaration is null || !visited.Add(declaration))
                        {
                            continue;
                        }

                        var isProtected = entry.ProtectedOnPath || LockFacts.IsInsideLock(call, _types);
                        queue.Enqueue(new RegionEntry(region, declaration, callee, entry.Depth + 1, isProtected, thisSharing, call.Syntax));
                    }
                }
            }

            return entries;
        }

        private static bool IsInSource(IMethodSymbol method)
        {
            var target = method.OriginalDefinition;
            return target.Locations.Length > 0 && target.Locations[0].IsInSource;
        }

        private IOperation? FunctionBody(ConcurrentRegion region, SyntaxNode function)
        {
            if (region.Method is { MethodKind: not MethodKind.AnonymousFunction } method && method.MethodKind != MethodKind.LocalFunction)
            {
                return _model.GetMethodBody(method.OriginalDefinition, out _, _cancellationToken);
            }

            if (!_model.Compilation.ContainsSyntaxTree(function.SyntaxTree))
            {
                return null;
            }

            return _model.GetModel(function.SyntaxTree).GetOperation(function, _cancellationToken) switch
            {
                IAnonymousFunctionOperation anonymous => anonymous,
                ILocalFunctionOperation local => local,
                _ => null,
            };
        }

        private static ThisSharing ClassifyCallReceiver(IOperation? receiver, RegionEntry caller)
        {
            switch (receiver?.WalkDownConversions())
            {
                case null:
                    return caller.This;
                case IInstanceReferenceOperation reference:
                    return reference.IsThisReference() ? caller.This : ThisSharing.Fresh;
                case IFieldReferenceOperation { Field.IsStatic: true }:
                    return ThisSharing.Foreign;
                case IFieldReferenceOperation field when field.Instance.IsThisReference():
                    return caller.This switch
                    {
                        ThisSharing.Shared or ThisSharing.Foreign => ThisSharing.Foreign,
                        var other => other,
                    };
                case ILocalReferenceOperation local when !SharedStorage.IsDeclaredInside(local.Local, caller.FunctionSyntax):
                    return ThisSharing.Foreign;
                case IParameterReferenceOperation parameter when !SharedStorage.IsDeclaredInside(parameter.Parameter, caller.FunctionSyntax):
                    return ThisSharing.Foreign;
                default:
                    // Created here, a local or parameter of this code, a call's result: not known to be shared.
                    return ThisSharing.Fresh;
            }
        }
    }
}

/// <summary>Walks the operations of a function, not entering nested functions that are regions of their own (or, with <c>skipAllNested</c>, any nested function).</summary>
internal static class OperationWalk
{
    public static IEnumerable<IOperation> InFunction(IOperation function, HashSet<SyntaxNode>? skipFunctions, bool skipAllNested = false)
    {
        var stack = new Stack<IOperation>();
        foreach (var child in function.ChildOperations)
        {
            stack.Push(child);
        }

        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation && (skipAllNested || skipFunctions is not null && skipFunctions.Contains(current.Syntax)))
            {
                continue;
            }

            yield return current;
            foreach (var child in current.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }
}
