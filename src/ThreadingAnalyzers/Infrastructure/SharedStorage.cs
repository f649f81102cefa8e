using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Who else can see a piece of storage touched inside a region.</summary>
internal enum Sharing
{
    /// <summary>Only this instance of the region: its locals, objects it created, thread-local state.</summary>
    NotShared,

    /// <summary>The creating code (and other regions) see it, but each instance of a repeating region has its own.</summary>
    WithCreator,

    /// <summary>Every instance of the region, the creator and other regions see the same storage.</summary>
    AmongInstances,
}

/// <summary>How an operation touches storage.</summary>
internal enum AccessKind
{
    Read,
    Write,

    /// <summary>A call or indexer read on a collection held in the storage (<c>list.Count</c>, <c>foreach</c>, <c>dict[k]</c>).</summary>
    CollectionRead,

    /// <summary>A mutating call or indexer store on a collection held in the storage (<c>list.Add</c>, <c>dict[k] = v</c>).</summary>
    CollectionWrite,
}

/// <summary>The storage a reference names, as seen from a region.</summary>
internal sealed class StorageInfo
{
    internal StorageInfo(ISymbol symbol, Sharing sharing, string kind, bool identityKnown)
    {
        Symbol = symbol;
        Sharing = sharing;
        Kind = kind;
        IdentityKnown = identityKnown;
        Key = SharedStorage.GetKey(symbol);
    }

    /// <summary>
    /// True when another access of the same symbol certainly names the same storage: static storage, a captured
    /// variable, or a field of the creator's own <c>this</c>. A field of some other object reached through calls may
    /// belong to a different instance in each thread, so it is evidence only of the region's own concurrency.
    /// </summary>
    public bool IdentityKnown { get; }

    /// <summary>The field, auto-property, local or parameter.</summary>
    public ISymbol Symbol { get; }

    /// <summary>An identity for the storage that is stable across semantic models (see <see cref="SharedStorage.GetKey"/>).</summary>
    public object Key { get; }

    public Sharing Sharing { get; }

    /// <summary>"static field", "field", "captured local", "captured parameter", "property".</summary>
    public string Kind { get; }

    public bool IsVolatile => Symbol is IFieldSymbol { IsVolatile: true };
}

/// <summary>One access of shared storage inside a region or in the code that started it.</summary>
internal sealed class StorageAccess
{
    internal StorageAccess(IOperation reference, AccessKind kind, bool isProtected, RegionEntry? entry, ConcurrentRegion? liveRegion, bool identityKnown)
    {
        IdentityKnown = identityKnown;
        Reference = reference;
        Kind = kind;
        IsProtected = isProtected;
        Entry = entry;
        LiveRegion = liveRegion;
    }

    public IOperation Reference { get; }

    /// <summary>See <see cref="StorageInfo.IdentityKnown"/>; for the creator's accesses, true for <c>this</c>, static and local storage.</summary>
    public bool IdentityKnown { get; }

    public AccessKind Kind { get; }

    public bool IsWrite => Kind is AccessKind.Write or AccessKind.CollectionWrite;

    /// <summary>Under a lock (here or on the call path) or through Interlocked/Volatile.</summary>
    public bool IsProtected { get; }

    /// <summary>For an access inside a region: how it is reached. Null for an access of the creating code.</summary>
    public RegionEntry? Entry { get; }

    /// <summary>For an access of the creating code: the region that may be running at that point.</summary>
    public ConcurrentRegion? LiveRegion { get; }
}

/// <summary>
/// Is storage shared, and why: static fields, fields of <c>this</c> or of a shared object, captured locals and
/// parameters are shared; locals of the region, <c>[ThreadStatic]</c> fields, <c>ThreadLocal</c>/<c>AsyncLocal</c>
/// values, objects created in the region and <c>Parallel</c> thread-local state are not.
/// </summary>
internal static class SharedStorage
{
    private static readonly ConditionalWeakTable<ConcurrencyModel, AccessIndexHolder> Indexes = new();
    private static readonly ConditionalWeakTable<ConcurrencyModel, TypeLockHolder> TypeLocks = new();

    /// <summary>
    /// The storage <paramref name="reference"/> names (a field, auto-property, local or parameter reference) and how
    /// it is shared as seen from the region entry <paramref name="entry"/>; null when it names nothing storage-like.
    /// </summary>
    public static StorageInfo? Classify(IOperation reference, RegionEntry entry, WellKnownTypes types)
    {
        switch (reference.WalkDownConversions())
        {
            case IFieldReferenceOperation field:
                if (field.Field.IsConst)
                {
                    return null;
                }

                if (field.Field.IsStatic)
                {
                    return new StorageInfo(field.Field, IsThreadStatic(field.Field, types) ? Sharing.NotShared : Sharing.AmongInstances, "static field", identityKnown: true);
                }

                return new StorageInfo(field.Field, ObjectSharing(field.Instance, entry, types, 0), "field", IsCreatorThis(field.Instance, entry));
            case IPropertyReferenceOperation property when IsAutoProperty(property.Property):
                if (property.Property.IsStatic)
                {
                    return new StorageInfo(property.Property, Sharing.AmongInstances, "static property", identityKnown: true);
                }

                return new StorageInfo(property.Property, ObjectSharing(property.Instance, entry, types, 0), "property", IsCreatorThis(property.Instance, entry));
            case ILocalReferenceOperation local:
                return new StorageInfo(local.Local, VariableSharing(local.Local, entry), "captured local", identityKnown: true);
            case IParameterReferenceOperation parameter:
                return new StorageInfo(parameter.Parameter, VariableSharing(parameter.Parameter, entry), "captured parameter", identityKnown: true);
            default:
                return null;
        }
    }

    private static bool IsCreatorThis(IOperation? instance, RegionEntry entry)
        => instance.IsThisReference() && entry.This == ThisSharing.Shared;

    /// <summary>
    /// One-call question for rules: is the storage <paramref name="reference"/> names shared between threads, seen from
    /// any concurrent region the reference runs in? Returns the first region entry in which it is shared (with how),
    /// or null when the reference runs in no region or is private there (a local of the region, thread-local state…).
    /// </summary>
    public static (StorageInfo Storage, RegionEntry Entry)? FindShared(IOperation reference, ConcurrencyModel model, CancellationToken cancellationToken)
    {
        foreach (var entry in model.GetEntries(reference, cancellationToken))
        {
            if (Classify(reference, entry, model.Types) is { Sharing: not Sharing.NotShared } storage)
            {
                return (storage, entry);
            }
        }

        return null;
    }

    /// <summary>
    /// How the object <paramref name="instance"/> evaluates to is shared: <c>this</c> per the entry, a captured or
    /// static reference is shared, an object created in the region (directly or through a local assigned once) is not,
    /// and anything unknown (a parameter of the region, a call's result) counts as not shared.
    /// </summary>
    public static Sharing ObjectSharing(IOperation? instance, RegionEntry entry, WellKnownTypes types, int depth)
    {
        if (depth > 4)
        {
            return Sharing.NotShared;
        }

        switch (instance?.WalkDownConversions())
        {
            case null:
                return Sharing.NotShared;
            case IInstanceReferenceOperation reference when reference.IsThisReference():
                return entry.This switch
                {
                    ThisSharing.Shared or ThisSharing.Foreign => Sharing.AmongInstances,
                    ThisSharing.PerStart => Sharing.WithCreator,
                    _ => Sharing.NotShared,
                };
            case ILocalReferenceOperation local:
                return VariableSharing(local.Local, entry);
            case IParameterReferenceOperation parameter:
                return VariableSharing(parameter.Parameter, entry);
            case IFieldReferenceOperation field:
                if (field.Field.IsStatic)
                {
                    return IsThreadStatic(field.Field, types) ? Sharing.NotShared : Sharing.AmongInstances;
                }

                return ObjectSharing(field.Instance, entry, types, depth + 1);
            case IPropertyReferenceOperation property:
                if (WellKnownTypes.Is(property.Property.ContainingType, types.ThreadLocal1) || WellKnownTypes.Is(property.Property.ContainingType, types.AsyncLocal1))
                {
                    return Sharing.NotShared;
                }

                if (!IsAutoProperty(property.Property))
                {
                    return Sharing.NotShared;
                }

                return property.Property.IsStatic ? Sharing.AmongInstances : ObjectSharing(property.Instance, entry, types, depth + 1);
            default:
                return Sharing.NotShared;
        }
    }

    /// <summary>A local or parameter: not shared when declared in the region's code, else shared (once per repetition when declared in the repeating code).</summary>
    public static Sharing VariableSharing(ISymbol variable, RegionEntry entry)
    {
        if (variable.DeclaringSyntaxReferences.Length != 1)
        {
            return Sharing.NotShared;
        }

        var declaration = variable.DeclaringSyntaxReferences[0];
        if (IsInside(declaration, entry.FunctionSyntax))
        {
            return Sharing.NotShared;
        }

        if (entry.Depth > 0)
        {
            if (entry.FunctionSyntax is not LocalFunctionStatementSyntax)
            {
                // A reached method sees only its own locals and parameters.
                return Sharing.NotShared;
            }

            // A local function reached from the region sees the locals of the region body or reached method that declares it.
            foreach (var other in entry.Region.Entries)
            {
                if (other != entry && other.FunctionSyntax.SyntaxTree == entry.FunctionSyntax.SyntaxTree
                    && other.FunctionSyntax.Span.Contains(entry.FunctionSyntax.Span) && IsInside(declaration, other.FunctionSyntax))
                {
                    return Sharing.NotShared;
                }
            }
        }

        var region = entry.Region;
        if (region.RepetitionScopeSyntax is { } scope && IsInside(declaration, scope))
        {
            return Sharing.WithCreator;
        }

        return Sharing.AmongInstances;
    }

    /// <summary>True when <paramref name="symbol"/>'s declaration lies inside <paramref name="function"/>.</summary>
    public static bool IsDeclaredInside(ISymbol symbol, SyntaxNode function)
        => symbol.DeclaringSyntaxReferences.Length == 1 && IsInside(symbol.DeclaringSyntaxReferences[0], function);

    /// <summary>True when the local is assigned only new objects (<c>new T(…)</c>, arrays, collection expressions) inside <paramref name="function"/>.</summary>
    public static bool IsFreshObjectLocal(ILocalSymbol local, IOperation function)
    {
        var assigned = false;
        foreach (var operation in function.Descendants())
        {
            IOperation? value = operation switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => declarator.Initializer?.Value,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            if (value.WalkDownConversions() is not (IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation))
            {
                return false;
            }

            assigned = true;
        }

        return assigned;
    }

    /// <summary>The identity of storage across semantic models: the declaration syntax for locals and parameters, the original definition otherwise.</summary>
    public static object GetKey(ISymbol symbol)
    {
        if (symbol is ILocalSymbol or IParameterSymbol && symbol.DeclaringSyntaxReferences.Length == 1)
        {
            return symbol.DeclaringSyntaxReferences[0].GetSyntax();
        }

        return symbol.OriginalDefinition;
    }

    public static bool IsThreadStatic(IFieldSymbol field, WellKnownTypes types)
    {
        if (types.ThreadStaticAttribute is null)
        {
            return false;
        }

        foreach (var attribute in field.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, types.ThreadStaticAttribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A property declared in source with <c>{ get; set; }</c>-style accessors and no bodies: really a field.</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsAbstract || property.IsIndexer || property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax { AccessorList: { } accessors })
        {
            return false;
        }

        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// When <paramref name="reference"/> is written (target of <c>=</c>, compound assignment, <c>++</c>/<c>--</c>,
    /// a <c>ref</c>/<c>out</c> argument, a deconstruction), the writing operation; otherwise null.
    /// </summary>
    public static IOperation? GetWrite(IOperation reference)
    {
        IOperation current = reference;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IAssignmentOperation assignment when assignment.Target == current:
                return assignment;
            case IIncrementOrDecrementOperation increment when increment.Target == current:
                return increment;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                return argument;
            case ITupleOperation tuple when tuple.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == tuple:
                return deconstruction;
            default:
                return null;
        }
    }

    /// <summary>The shared-access index of the compilation: every access of shared storage in regions and in the creators while they run.</summary>
    public static SharedAccessIndex GetIndex(ConcurrencyModel model, CancellationToken cancellationToken)
        => Indexes.GetValue(model, static _ => new AccessIndexHolder()).Get(model, cancellationToken);

    /// <summary>
    /// Whole-type fact, computed once per type: for each field or auto-property of <paramref name="type"/> that some
    /// member writes under an exclusive lock, that lock (the first one seen). Constructors are ignored; only members with
    /// a lock statement or an Enter-style call are bound.
    /// </summary>
    public static Dictionary<ISymbol, HeldLock> GetLockedWrites(ConcurrencyModel model, INamedTypeSymbol type, CancellationToken cancellationToken)
        => TypeLocks.GetValue(model, static _ => new TypeLockHolder()).Get(model, type, cancellationToken);

    private static bool IsInside(SyntaxReference declaration, SyntaxNode container)
        => declaration.SyntaxTree == container.SyntaxTree && container.Span.Contains(declaration.Span);

    private sealed class AccessIndexHolder
    {
        private SharedAccessIndex? _index;

        public SharedAccessIndex Get(ConcurrencyModel model, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _index) is { } built)
            {
                return built;
            }

            lock (this)
            {
                if (_index is null)
                {
                    var index = new SharedAccessIndex();
                    index.Build(model, cancellationToken);
                    Volatile.Write(ref _index, index);
                    return index;
                }

                return _index;
            }
        }
    }

    private sealed class TypeLockHolder
    {
        private readonly Dictionary<INamedTypeSymbol, Dictionary<ISymbol, HeldLock>> _byType = new(SymbolEqualityComparer.Default);

        public Dictionary<ISymbol, HeldLock> Get(ConcurrencyModel model, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            type = type.OriginalDefinition;
            lock (_byType)
            {
                if (_byType.TryGetValue(type, out var cached))
                {
                    return cached;
                }
            }

            var result = Compute(model, type, cancellationToken);
            lock (_byType)
            {
                _byType[type] = result;
            }

            return result;
        }

        private static Dictionary<ISymbol, HeldLock> Compute(ConcurrencyModel model, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var result = new Dictionary<ISymbol, HeldLock>(SymbolEqualityComparer.Default);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || !model.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
                {
                    continue;
                }

                foreach (var member in declaration.Members)
                {
                    if (member is ConstructorDeclarationSyntax or BaseTypeDeclarationSyntax || !MayTakeLock(member))
                    {
                        continue;
                    }

                    var semanticModel = model.GetModel(member.SyntaxTree);
                    foreach (var body in MemberBodies(member))
                    {
                        if (semanticModel.GetOperation(body, cancellationToken) is not { } operation)
                        {
                            continue;
                        }

                        foreach (var descendant in operation.DescendantsAndSelf())
                        {
                            var symbol = descendant switch
                            {
                                IFieldReferenceOperation field when field.Field.IsStatic || field.Instance.IsThisReference() => (ISymbol)field.Field,
                                IPropertyReferenceOperation property when (property.Property.IsStatic || property.Instance.IsThisReference()) && IsAutoProperty(property.Property) => property.Property,
                                _ => null,
                            };
                            if (symbol is null || !SymbolEqualityComparer.Default.Equals(symbol.ContainingType.OriginalDefinition, type)
                                || result.ContainsKey(symbol.OriginalDefinition) || GetWrite(descendant) is null)
                            {
                                continue;
                            }

                            foreach (var held in LockFacts.GetHeldLocks(descendant, model.Types))
                            {
                                if (held.IsExclusive)
                                {
                                    result[symbol.OriginalDefinition] = held;
                                    break;
                                }
                            }
                        }
                    }
                }
            }

            return result;
        }

        private static IEnumerable<SyntaxNode> MemberBodies(MemberDeclarationSyntax member)
        {
            switch (member)
            {
                case BaseMethodDeclarationSyntax method:
                    yield return method;
                    break;
                case BasePropertyDeclarationSyntax { AccessorList: { } accessors }:
                    foreach (var accessor in accessors.Accessors)
                    {
                        yield return accessor;
                    }

                    break;
            }
        }

        /// <summary>Syntax prefilter: a lock statement or a call named like an acquire.</summary>
        private static bool MayTakeLock(SyntaxNode member)
        {
            foreach (var node in member.DescendantNodes())
            {
                if (node is LockStatementSyntax)
                {
                    return true;
                }

                // Wait/WaitAsync/WaitOne are left out on purpose: they are mostly task and event waits, and binding
                // every member that waits would cost more than the rare semaphore-as-lock it finds.
                if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                    && access.Name.Identifier.ValueText is "Enter" or "TryEnter" or "EnterWriteLock" or "EnterUpgradeableReadLock" or "EnterScope")
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>
/// Every access of shared storage made inside a region (with how it is reached and whether it is protected) and
/// every access made by a creating function while a region it started may run. Filled per storage on first question:
/// only the region bodies whose syntax names the storage are bound and walked (each walked once), so that reaching a
/// method costs nothing until a question names something it uses.
/// </summary>
internal sealed class SharedAccessIndex
{
    private readonly object _gate = new();
    private readonly Dictionary<object, List<StorageAccess>> _inRegions = new(SymbolKeyComparer.Instance);
    private readonly Dictionary<object, List<StorageAccess>> _inCreators = new(SymbolKeyComparer.Instance);
    private readonly Dictionary<RegionEntry, List<(object Key, StorageAccess Access)>> _entryAccesses = new();
    private Dictionary<string, List<RegionEntry>>? _entriesByName;
    private Dictionary<object, List<(List<ConcurrentRegion> Regions, IOperation Reference, bool IdentityKnown)>>? _creatorReferencesByKey;
    private ConcurrencyModel _model = null!;
    private IReadOnlyList<ConcurrentRegion> _regions = null!;
    private HashSet<SyntaxNode> _regionFunctions = null!;
    private Dictionary<SyntaxNode, List<ConcurrentRegion>> _creators = null!;

    /// <summary>Accesses of the storage <paramref name="key"/> (see <see cref="SharedStorage.GetKey"/>) inside regions.</summary>
    public IReadOnlyList<StorageAccess> InRegions(object key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return RegionAccesses(key, cancellationToken);
        }
    }

    /// <summary>Accesses of <paramref name="key"/> by creating functions at points where <see cref="StorageAccess.LiveRegion"/> may run.</summary>
    public IReadOnlyList<StorageAccess> InCreators(object key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_inCreators.TryGetValue(key, out var known))
            {
                return known;
            }

            var list = new List<StorageAccess>();
            if (RegionAccesses(key, cancellationToken).Count > 0 && CreatorReferencesByKey(cancellationToken).TryGetValue(key, out var references))
            {
                var types = _model.Types;
                foreach (var (regions, operation, identityKnown) in references)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var kind = GetAccessKind(operation, types);
                    var isProtected = LockFacts.IsProtected(operation, types);
                    foreach (var region in regions)
                    {
                        if (_model.MayRunDuring(region, operation, cancellationToken))
                        {
                            list.Add(new StorageAccess(operation, kind, isProtected, entry: null, region, identityKnown));
                        }
                    }
                }
            }

            _inCreators[key] = list;
            return list;
        }
    }

    /// <summary>The kind of access <paramref name="reference"/> makes, looking at how its value is used.</summary>
    public static AccessKind GetAccessKind(IOperation reference, WellKnownTypes types)
    {
        if (SharedStorage.GetWrite(reference) is not null)
        {
            return AccessKind.Write;
        }

        if (!CollectionFacts.IsNonThreadSafeCollection(reference.Type, types))
        {
            return AccessKind.Read;
        }

        return CollectionFacts.IsMutatingUse(reference, types) ? AccessKind.CollectionWrite : AccessKind.CollectionRead;
    }

    internal void Build(ConcurrencyModel model, CancellationToken cancellationToken)
    {
        _model = model;
        _regions = model.GetRegions(cancellationToken);
        _regionFunctions = new HashSet<SyntaxNode>();
        foreach (var region in _regions)
        {
            if (region.FunctionSyntax is { } function)
            {
                _regionFunctions.Add(function);
            }
        }

        // The creators' own accesses while a region they started may run, grouped by creating function.
        _creators = new Dictionary<SyntaxNode, List<ConcurrentRegion>>();
        foreach (var region in _regions)
        {
            if (region.JoinedAtStart)
            {
                continue;
            }

            var function = region.CreatorFunctionSyntax;
            if (!_creators.TryGetValue(function, out var list))
            {
                _creators[function] = list = new List<ConcurrentRegion>();
            }

            list.Add(region);
        }
    }

    private List<StorageAccess> RegionAccesses(object key, CancellationToken cancellationToken)
    {
        if (_inRegions.TryGetValue(key, out var known))
        {
            return known;
        }

        // A body can only reach the storage by naming it; bodies that never mention the name are not bound.
        var name = NameOf(key);
        var list = new List<StorageAccess>();
        if (name is null)
        {
            foreach (var region in _regions)
            {
                foreach (var entry in region.Entries)
                {
                    AddAccesses(entry, key, list, cancellationToken);
                }
            }
        }
        else if (EntriesByName(cancellationToken).TryGetValue(name, out var naming))
        {
            foreach (var entry in naming)
            {
                AddAccesses(entry, key, list, cancellationToken);
            }
        }

        _inRegions[key] = list;
        return list;
    }

    private void AddAccesses(RegionEntry entry, object key, List<StorageAccess> list, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (accessKey, access) in EntryAccesses(entry, cancellationToken))
        {
            if (SymbolKeyComparer.Instance.Equals(accessKey, key))
            {
                list.Add(access);
            }
        }
    }

    /// <summary>
    /// Every region entry under each identifier its function spells, in region order then entry order: one walk of
    /// each function's tokens instead of one test of every entry for every storage asked about.
    /// </summary>
    private Dictionary<string, List<RegionEntry>> EntriesByName(CancellationToken cancellationToken)
    {
        if (_entriesByName is { } known)
        {
            return known;
        }

        var index = new Dictionary<string, List<RegionEntry>>(System.StringComparer.Ordinal);
        var namesOf = new Dictionary<SyntaxNode, List<string>>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var region in _regions)
        {
            foreach (var entry in region.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!namesOf.TryGetValue(entry.FunctionSyntax, out var names))
                {
                    namesOf[entry.FunctionSyntax] = names = Identifiers(entry.FunctionSyntax, seen);
                }

                foreach (var name in names)
                {
                    if (!index.TryGetValue(name, out var entries))
                    {
                        index[name] = entries = new List<RegionEntry>();
                    }

                    entries.Add(entry);
                }
            }
        }

        return _entriesByName = index;
    }

    /// <summary>The storage references of every creating function, by storage key, in creator order then reference order.</summary>
    private Dictionary<object, List<(List<ConcurrentRegion> Regions, IOperation Reference, bool IdentityKnown)>> CreatorReferencesByKey(CancellationToken cancellationToken)
    {
        if (_creatorReferencesByKey is { } known)
        {
            return known;
        }

        var index = new Dictionary<object, List<(List<ConcurrentRegion>, IOperation, bool)>>(SymbolKeyComparer.Instance);
        foreach (var pair in _creators)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (key, operation, identityKnown) in CreatorReferences(pair.Value[0]))
            {
                if (!index.TryGetValue(key, out var references))
                {
                    index[key] = references = new List<(List<ConcurrentRegion>, IOperation, bool)>();
                }

                references.Add((pair.Value, operation, identityKnown));
            }
        }

        return _creatorReferencesByKey = index;
    }

    private List<(object Key, StorageAccess Access)> EntryAccesses(RegionEntry entry, CancellationToken cancellationToken)
    {
        if (_entryAccesses.TryGetValue(entry, out var known))
        {
            return known;
        }

        var types = _model.Types;
        var accesses = new List<(object, StorageAccess)>();
        var body = entry.GetBody(cancellationToken);
        foreach (var operation in body is null ? System.Array.Empty<IOperation>() : OperationWalk.InFunction(body, _regionFunctions))
        {
            if (SharedStorage.Classify(operation, entry, types) is not { Sharing: not Sharing.NotShared } storage)
            {
                continue;
            }

            var kind = GetAccessKind(operation, types);
            var isProtected = entry.ProtectedOnPath || LockFacts.IsProtected(operation, types);
            accesses.Add((storage.Key, new StorageAccess(operation, kind, isProtected, entry, liveRegion: null, storage.IdentityKnown)));
        }

        _entryAccesses[entry] = accesses;
        return accesses;
    }

    private static List<(object Key, IOperation Reference, bool IdentityKnown)> CreatorReferences(ConcurrentRegion first)
    {
        var references = new List<(object, IOperation, bool)>();
        var function = first.Start.GetEnclosingFunction() ?? first.CreatorRoot;
        foreach (var operation in OperationWalk.InFunction(function, skipFunctions: null, skipAllNested: true))
        {
            var (symbol, identityKnown) = operation switch
            {
                IFieldReferenceOperation field => ((ISymbol?)field.Field, field.Field.IsStatic || field.Instance.IsThisReference()),
                IPropertyReferenceOperation property when SharedStorage.IsAutoProperty(property.Property) => (property.Property, property.Property.IsStatic || property.Instance.IsThisReference()),
                ILocalReferenceOperation local => (local.Local, true),
                IParameterReferenceOperation parameter => (parameter.Parameter, true),
                _ => (null, false),
            };
            if (symbol is not null)
            {
                references.Add((SharedStorage.GetKey(symbol), operation, identityKnown));
            }
        }

        return references;
    }

    /// <summary>The distinct identifiers <paramref name="function"/> spells (<paramref name="seen"/> is scratch space).</summary>
    private static List<string> Identifiers(SyntaxNode function, HashSet<string> seen)
    {
        seen.Clear();
        var names = new List<string>();
        foreach (var token in function.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && seen.Add(token.ValueText))
            {
                names.Add(token.ValueText);
            }
        }

        return names;
    }

    /// <summary>The name every reference to the storage spells out, or null when there may be none to look for.</summary>
    private static string? NameOf(object key)
    {
        var name = key switch
        {
            ISymbol symbol => symbol.Name,
            VariableDeclaratorSyntax declarator => declarator.Identifier.ValueText,
            ParameterSyntax parameter => parameter.Identifier.ValueText,
            SingleVariableDesignationSyntax designation => designation.Identifier.ValueText,
            ForEachStatementSyntax forEach => forEach.Identifier.ValueText,
            CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier.ValueText,
            _ => null,
        };
        return name is not null && SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : null;
    }
}

/// <summary>The System.Collections.Generic collections that are unsafe to mutate concurrently, and which of their members mutate.</summary>
internal static class CollectionFacts
{
    private static readonly HashSet<string> MutatingMethods = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Sort", "Reverse", "TryAdd", "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "AddFirst", "AddLast",
        "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith",
        "TrimExcess", "EnsureCapacity", "SetValueAtIndex", "CopyTo",
    };

    /// <summary>True for List, Dictionary, HashSet, Queue, Stack, SortedDictionary, SortedList, SortedSet and LinkedList.</summary>
    public static bool IsNonThreadSafeCollection(ITypeSymbol? type, WellKnownTypes types)
        => type is INamedTypeSymbol
            && (WellKnownTypes.Is(type, types.List1) || WellKnownTypes.Is(type, types.Dictionary2) || WellKnownTypes.Is(type, types.HashSet1)
                || WellKnownTypes.Is(type, types.Queue1) || WellKnownTypes.Is(type, types.Stack1) || WellKnownTypes.Is(type, types.SortedDictionary2)
                || WellKnownTypes.Is(type, types.SortedList2) || WellKnownTypes.Is(type, types.SortedSet1) || WellKnownTypes.Is(type, types.LinkedList1));

    /// <summary>
    /// When <paramref name="collectionReference"/> is the receiver of a mutating call (<c>Add</c>, <c>Remove</c>,
    /// <c>Enqueue</c>, <c>TryDequeue</c>…) or of an indexer store (except <c>List&lt;T&gt;</c>'s, which replaces an
    /// element in place and changes no structure), the mutating operation; otherwise null.
    /// </summary>
    public static IOperation? GetMutation(IOperation collectionReference, WellKnownTypes types)
    {
        IOperation current = collectionReference;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IInvocationOperation invocation when invocation.Instance == current && MutatingMethods.Contains(invocation.TargetMethod.Name):
                return invocation.TargetMethod.Name == "CopyTo" ? null : invocation;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance == current && SharedStorage.GetWrite(indexer) is not null:
                return WellKnownTypes.Is(collectionReference.Type, types.List1) ? null : indexer;
            default:
                return null;
        }
    }

    public static bool IsMutatingUse(IOperation collectionReference, WellKnownTypes types) => GetMutation(collectionReference, types) is not null;
}
