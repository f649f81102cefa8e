using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>
/// THR014: lazy initialization that lets other threads see a value before it is ready. Three shapes, reported on the
/// unlocked check:
/// <list type="bullet">
/// <item>double-checked locking on a separate non-volatile flag (<c>if (!_ready) lock (g) if (!_ready) { _value = Load(); _ready = true; }</c>)
/// whose unlocked read is not <c>Volatile.Read</c> or whose store is not a release: on ARM64 a reader can see the flag set and the value stale;</item>
/// <item>double-checked locking that assigns the object to the field and configures it afterwards
/// (<c>_instance = new T(); _instance.Init();</c>): the unlocked check hands the half-configured object out;</item>
/// <item>check-then-create with no lock (<c>if (_x == null) _x = new T();</c>, <c>_x ??= new T()</c>) in code the concurrency
/// model shows running on several threads at once: two instances are created and one of them is lost.</item>
/// </list>
/// The plain double-checked singleton (<c>if (x == null) lock (g) if (x == null) x = new T();</c>) is correct on .NET
/// (storing a reference is a release) and is not reported.
/// </summary>
/// <remarks>
/// Triggered on <c>if</c> statements that contain or precede a <c>lock</c>, on <c>if</c> statements whose
/// body assigns a name their condition mentions, and on <c>??=</c>; only those are analysed further.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class THR014DoubleCheckedLockingPublishesEarlyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: "Flag", "PublishedEarly" or "CheckThenCreate".</summary>
    public const string ShapeProperty = "Shape";

    public const string FlagShape = "Flag";
    public const string PublishedEarlyShape = "PublishedEarly";
    public const string CheckThenCreateShape = "CheckThenCreate";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.THR014DoubleCheckedLockingPublishesEarly);

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
            var gate = new TypeGate(types, static t => t.Monitor is not null);

            var model = ConcurrencyModel.Get(start.Compilation, types);
            SyntaxTrigger.RegisterForWholeCompilation(start, gate.Guard(context => AnalyzeIf(context, model)), SyntaxKind.IfStatement);
            SyntaxTrigger.RegisterForWholeCompilation(start, gate.Guard(context => AnalyzeCoalesceAssignment(context, model)), SyntaxKind.CoalesceAssignmentExpression);
        });
    }

    private static void AnalyzeIf(SyntaxTrigger context, ConcurrencyModel model)
    {
        var ifStatement = (IfStatementSyntax)context.Node;
        if (ifStatement.Else is not null)
        {
            return;
        }

        if (MayBeDoubleChecked(ifStatement))
        {
            AnalyzeDoubleChecked(context, model, ifStatement);
        }
        else if (MayBeCheckThenCreate(ifStatement) && !context.KeepForCompilationEnd() && model.MayBeInRegion(ifStatement, context.CancellationToken))
        {
            AnalyzeCheckThenCreate(context, model, ifStatement);
        }
    }

    /// <summary>Syntax only: the <c>if</c> holds a <c>lock</c>, or leaves and is followed by one, and is not itself inside a lock statement.</summary>
    private static bool MayBeDoubleChecked(IfStatementSyntax ifStatement)
    {
        foreach (var ancestor in ifStatement.Ancestors())
        {
            if (ancestor is LockStatementSyntax)
            {
                return false;
            }

            if (ancestor is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                break;
            }
        }

        foreach (var statement in StatementList(ifStatement.Statement))
        {
            if (statement is LockStatementSyntax)
            {
                return true;
            }
        }

        if (ifStatement.Parent is BlockSyntax block && EndsWithJump(ifStatement.Statement))
        {
            for (var i = block.Statements.IndexOf(ifStatement) + 1; i < block.Statements.Count; i++)
            {
                if (block.Statements[i] is LockStatementSyntax)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Syntax only: <c>if (x …) x = …;</c> (also in a one-statement block) with the same name on both sides.</summary>
    private static bool MayBeCheckThenCreate(IfStatementSyntax ifStatement)
    {
        var body = ifStatement.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : ifStatement.Statement;
        if (body is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment })
        {
            return false;
        }

        var name = assignment.Left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };
        if (name is null || assignment.Right is not (BaseObjectCreationExpressionSyntax or InvocationExpressionSyntax))
        {
            return false;
        }

        foreach (var token in ifStatement.Condition.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void AnalyzeDoubleChecked(SyntaxTrigger context, ConcurrencyModel model, IfStatementSyntax ifStatement)
    {
        var types = model.Types;
        var cancellationToken = context.CancellationToken;
        if (context.SemanticModel.GetOperation(ifStatement, cancellationToken) is not IConditionalOperation outer
            || LockFacts.IsInsideLock(outer, types)
            || DoubleCheck.Find(outer, types) is not { } found)
        {
            return;
        }

        var storage = found.Check.Storage;
        var storageType = storage.GetStorageType();
        if (storageType is null)
        {
            return;
        }

        if (!storageType.IsReferenceType && storageType.TypeKind != TypeKind.TypeParameter)
        {
            ReportFlag(context, found);
            return;
        }

        if (found.Check.Value is null && PublishedEarly.Find(found.Body, storage) is { } early)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, PublishedEarlyShape);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.THR014DoubleCheckedLockingPublishesEarly,
                found.Outer.Condition.Syntax.GetLocation(),
                new[] { early.Publish.Syntax.GetLocation() },
                properties,
                storage.Name,
                "is published before it is configured: " + Quote(early.Configure.Syntax) + " runs after the assignment inside the lock, while other threads can already take the object from the unlocked check"));
        }
    }

    private static void ReportFlag(SyntaxTrigger context, DoubleCheck found)
    {
        var storage = found.Check.Storage;
        var body = found.Body;
        var writeIndex = -1;
        var writeIsRelease = false;
        for (var i = 0; i < body.Count; i++)
        {
            if (FlagWrite(body[i], storage, context.Compilation, out var release) is not null)
            {
                writeIndex = i;
                writeIsRelease = release;
                break;
            }
        }

        // Nothing is done before the flag is set: nothing to publish.
        if (writeIndex <= 0)
        {
            return;
        }

        var fieldIsVolatile = storage is IFieldSymbol { IsVolatile: true };
        var readIsAcquire = fieldIsVolatile || found.Check.VolatileRead;
        writeIsRelease |= fieldIsVolatile;
        if (readIsAcquire && writeIsRelease)
        {
            return;
        }

        var published = PublishedValue(body, writeIndex);
        var why = !readIsAcquire && !writeIsRelease
            ? "is a non-volatile flag checked outside the lock"
            : !readIsAcquire ? "is read outside the lock without Volatile.Read" : "is set without Volatile.Write";
        var message = why + ": a thread that sees it set may still see " + published + " from before it was written (on ARM64 and other weakly ordered CPUs)";
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, FlagShape);
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR014DoubleCheckedLockingPublishesEarly,
            found.Outer.Condition.Syntax.GetLocation(),
            new[] { body[writeIndex].Syntax.GetLocation() },
            properties,
            storage.Name,
            message));
    }

    /// <summary>The flag store in <paramref name="statement"/> (<c>_ready = true;</c>, <c>Volatile.Write(ref _ready, true);</c>), and whether it is a release.</summary>
    internal static IOperation? FlagWrite(IOperation statement, ISymbol storage, Compilation compilation, out bool release)
    {
        release = false;
        if (statement is not IExpressionStatementOperation { Operation: var expression })
        {
            return null;
        }

        switch (expression)
        {
            case ISimpleAssignmentOperation assignment when IsStorage(assignment.Target, storage):
                return assignment;
            case IInvocationOperation { Arguments.Length: 2 } invocation when IsStorage(invocation.Arguments[0].Value, storage):
                var types = WellKnownTypes.Get(compilation);
                release = WellKnownTypes.IsMethod(invocation.TargetMethod, types.Volatile, "Write") || WellKnownTypes.IsMethod(invocation.TargetMethod, types.Interlocked, "Exchange");
                return release ? invocation : null;
            default:
                return null;
        }
    }

    /// <summary>"'_value'" when the statements before the flag store assign a field, else "the work done before it".</summary>
    private static string PublishedValue(IReadOnlyList<IOperation> body, int writeIndex)
    {
        for (var i = 0; i < writeIndex; i++)
        {
            foreach (var operation in body[i].DescendantsAndSelf())
            {
                if (operation is IAssignmentOperation { Target: var target } && StorageWrites.StorageOf(target.WalkDownConversions()) is IFieldSymbol or IPropertySymbol)
                {
                    return "'" + StorageWrites.StorageOf(target.WalkDownConversions())!.Name + "'";
                }
            }
        }

        return "the work done before it";
    }

    private static void AnalyzeCheckThenCreate(SyntaxTrigger context, ConcurrencyModel model, IfStatementSyntax ifStatement)
    {
        var types = model.Types;
        var cancellationToken = context.CancellationToken;
        if (context.SemanticModel.GetOperation(ifStatement, cancellationToken) is not IConditionalOperation { WhenFalse: null } check
            || FlagCheck.Parse(check.Condition, types) is not { Value: null, Equal: true } flag
            || Single(check.WhenTrue) is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }
            || !IsStorage(assignment.Target, flag.Storage)
            || !IsCreation(assignment.Value))
        {
            return;
        }

        ReportCheckThenCreate(context, model, check, flag.Reference, flag.Storage, ifStatement.Condition.GetLocation(), assignment.Syntax.GetLocation());
    }

    private static void AnalyzeCoalesceAssignment(SyntaxTrigger context, ConcurrencyModel model)
    {
        var cancellationToken = context.CancellationToken;
        if (((AssignmentExpressionSyntax)context.Node).Right is not (BaseObjectCreationExpressionSyntax or InvocationExpressionSyntax)
            || context.KeepForCompilationEnd()
            || !model.MayBeInRegion(context.Node, cancellationToken)
            || context.SemanticModel.GetOperation(context.Node, cancellationToken) is not ICoalesceAssignmentOperation assignment
            || StorageWrites.StorageOf(assignment.Target.WalkDownConversions()) is not { } storage
            || !IsCreation(assignment.Value))
        {
            return;
        }

        ReportCheckThenCreate(context, model, assignment, assignment.Target.WalkDownConversions(), storage, context.Node.GetLocation(), context.Node.GetLocation());
    }

    private static void ReportCheckThenCreate(SyntaxTrigger context, ConcurrencyModel model, IOperation check, IOperation reference, ISymbol storage, Location location, Location creation)
    {
        var types = model.Types;
        var cancellationToken = context.CancellationToken;
        if (storage.GetStorageType() is not { IsReferenceType: true } || LockFacts.IsProtected(reference, types) || LockFacts.IsInsideLock(check, types))
        {
            return;
        }

        // A cache of a value that nobody changes afterwards is a benign race: only work done on the instance can be lost.
        var work = WorkAfter(check, storage);
        if (work is null)
        {
            return;
        }

        var why = WhyConcurrent(model, check, reference, cancellationToken);
        if (why is null)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, CheckThenCreateShape);
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.THR014DoubleCheckedLockingPublishesEarly,
            location,
            new[] { creation },
            properties,
            storage.Name,
            "is checked and then created without a lock by " + why + ", and " + Quote(work.Syntax) + " then changes it: two threads can both see it null and each create one, and what goes into the instance that is overwritten is lost"));
    }

    /// <summary>Method names that change a framework object (collections, builders, registries); calls to source methods always count.</summary>
    private static readonly HashSet<string> MutatorNames = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Clear", "Enqueue", "Dequeue",
        "Push", "Pop", "TryAdd", "TryRemove", "TryUpdate", "AddOrUpdate", "GetOrAdd", "TryDequeue", "TryPop", "AddFirst", "AddLast",
        "Append", "AppendLine", "Set", "Register", "Subscribe", "Write", "WriteLine", "Post", "SetResult", "Start",
    };

    /// <summary>
    /// The first operation after the check-then-create <paramref name="site"/>, in the same function, that changes the
    /// created object: a store into one of its members or elements, an event subscription, a call of a source method
    /// or of a framework mutator (<c>Add</c>, <c>TryAdd</c>…) on it — through the storage or a local the <c>??=</c> result went into.
    /// </summary>
    private static IOperation? WorkAfter(IOperation site, ISymbol storage)
    {
        ILocalSymbol? alias = null;
        if (site is ICoalesceAssignmentOperation && site.WalkUpConversions() is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            alias = declarator.Symbol;
        }

        var function = (IOperation?)site.GetEnclosingFunction() ?? FlowGraphs.GetRoot(site);
        var end = site.Syntax.Span.End;
        foreach (var operation in function.Descendants())
        {
            if (operation.Syntax.SpanStart < end || operation.Syntax.SyntaxTree != site.Syntax.SyntaxTree)
            {
                continue;
            }

            var isInstance = IsStorage(operation, storage)
                || alias is not null && operation is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, alias);
            if (isInstance && ChangesInstance(operation) is { } change)
            {
                return change;
            }
        }

        return null;
    }

    private static IOperation? ChangesInstance(IOperation reference)
    {
        var current = reference;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IInvocationOperation invocation when invocation.Instance == current:
                return invocation.TargetMethod.DeclaringSyntaxReferences.Length > 0 || MutatorNames.Contains(invocation.TargetMethod.Name) ? invocation : null;
            case IMemberReferenceOperation member when member.Instance == current:
                if (SharedStorage.GetWrite(member) is { } write)
                {
                    return write;
                }

                return member.Parent is IEventAssignmentOperation subscription ? subscription : null;
            default:
                return null;
        }
    }

    /// <summary>Why the check runs on several threads at once, per the concurrency model; null when nothing shows it.</summary>
    private static string? WhyConcurrent(ConcurrencyModel model, IOperation check, IOperation reference, CancellationToken cancellationToken)
    {
        var types = model.Types;
        var entries = model.GetEntries(check, cancellationToken);
        var shared = new List<RegionEntry>();
        foreach (var entry in entries)
        {
            if (!entry.ProtectedOnPath && SharedStorage.Classify(reference, entry, types) is { Sharing: Sharing.AmongInstances })
            {
                if (entry.Region.IsSelfConcurrent)
                {
                    return entry.Region.SelfConcurrencyReason;
                }

                shared.Add(entry);
            }
        }

        for (var i = 0; i < shared.Count; i++)
        {
            for (var j = i + 1; j < shared.Count; j++)
            {
                if (shared[i].Region != shared[j].Region && model.MayOverlap(shared[i].Region, shared[j].Region, cancellationToken))
                {
                    return shared[i].Region.Describe() + " and " + shared[j].Region.Describe();
                }
            }
        }

        if (shared.Count == 0 || StorageWrites.StorageOf(reference) is not { } storage)
        {
            return null;
        }

        // Another region (or the code that started this one) creates it too while this one runs.
        var index = SharedStorage.GetIndex(model, cancellationToken);
        var key = SharedStorage.GetKey(storage);
        foreach (var access in index.InRegions(key, cancellationToken))
        {
            if (access.IsWrite && !access.IsProtected && access.Entry is { } other)
            {
                foreach (var entry in shared)
                {
                    if (other.Region != entry.Region && model.MayOverlap(other.Region, entry.Region, cancellationToken))
                    {
                        return entry.Region.Describe() + " while " + other.Region.Describe() + " also writes it";
                    }
                }
            }
        }

        foreach (var access in index.InCreators(key, cancellationToken))
        {
            if (access.IsWrite && !access.IsProtected && access.LiveRegion is { } live)
            {
                foreach (var entry in shared)
                {
                    if (entry.Region == live)
                    {
                        return entry.Region.Describe() + " while " + StorageWrites.MemberName(access.Reference) + " also writes it";
                    }
                }
            }
        }

        return null;
    }

    private static bool IsCreation(IOperation value)
        => value.WalkDownConversions() is IObjectCreationOperation or IInvocationOperation or IArrayCreationOperation or ITypeParameterObjectCreationOperation;

    internal static bool IsStorage(IOperation operation, ISymbol storage)
        => StorageWrites.StorageOf(operation.WalkDownConversions()) is { } symbol
            && SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, storage.OriginalDefinition)
            && (operation.WalkDownConversions() is not IFieldReferenceOperation { Instance: { } instance } || instance is IInstanceReferenceOperation);

    private static IOperation? Single(IOperation statement)
        => statement is IBlockOperation block ? (block.Operations.Length == 1 ? block.Operations[0] : null) : statement;

    private static string Quote(SyntaxNode node)
    {
        var text = node.ToString();
        var newline = text.IndexOf('\n');
        if (newline >= 0)
        {
            text = text.Substring(0, newline).TrimEnd() + " …";
        }

        if (text.EndsWith(";", System.StringComparison.Ordinal))
        {
            text = text.Substring(0, text.Length - 1);
        }

        return "'" + text + "'";
    }

    private static IEnumerable<StatementSyntax> StatementList(StatementSyntax statement)
    {
        if (statement is BlockSyntax block)
        {
            return block.Statements;
        }

        return new[] { statement };
    }

    private static bool EndsWithJump(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax => true,
        BlockSyntax { Statements.Count: > 0 } block => EndsWithJump(block.Statements[block.Statements.Count - 1]),
        _ => false,
    };
}

/// <summary>
/// The double-checked shape around an unlocked <c>if</c>: the lock it leads to, the locked re-check of the same
/// storage, and the statements that run when both checks say "not initialized yet". Shared with the code fix.
/// </summary>
internal sealed class DoubleCheck
{
    private DoubleCheck(IConditionalOperation outer, FlagCheck check, ILockOperation lockOperation, IConditionalOperation inner, IReadOnlyList<IOperation> body)
    {
        Outer = outer;
        Check = check;
        Lock = lockOperation;
        Inner = inner;
        Body = body;
    }

    public IConditionalOperation Outer { get; }

    /// <summary>The unlocked check.</summary>
    public FlagCheck Check { get; }

    public ILockOperation Lock { get; }

    public IConditionalOperation Inner { get; }

    /// <summary>The statements that initialize: the inner <c>if</c>'s body, or the statements after an inner <c>if (ready) return …;</c>.</summary>
    public IReadOnlyList<IOperation> Body { get; }

    public static DoubleCheck? Find(IConditionalOperation outer, WellKnownTypes types)
    {
        if (outer.WhenFalse is not null || FlagCheck.Parse(outer.Condition, types) is not { } check
            || check.Storage is not (IFieldSymbol or IPropertySymbol)
            || !THR014DoubleCheckedLockingPublishesEarlyAnalyzer.IsStorage(check.Reference, check.Storage))
        {
            return null;
        }

        ILockOperation? lockOperation = null;
        foreach (var statement in Statements(outer.WhenTrue))
        {
            if (statement is ILockOperation found)
            {
                lockOperation = found;
                break;
            }
        }

        if (lockOperation is null && EndsWithJump(outer.WhenTrue) && outer.Parent is IBlockOperation block)
        {
            for (var i = block.Operations.IndexOf(outer) + 1; i < block.Operations.Length && lockOperation is null; i++)
            {
                lockOperation = block.Operations[i] as ILockOperation;
            }
        }

        if (lockOperation is null)
        {
            return null;
        }

        var lockStatements = Statements(lockOperation.Body);
        for (var i = 0; i < lockStatements.Count; i++)
        {
            if (lockStatements[i] is not IConditionalOperation { WhenFalse: null } inner
                || FlagCheck.Parse(inner.Condition, types) is not { } innerCheck
                || !SymbolEqualityComparer.Default.Equals(innerCheck.Storage.OriginalDefinition, check.Storage.OriginalDefinition))
            {
                continue;
            }

            if (!EndsWithJump(inner.WhenTrue))
            {
                return new DoubleCheck(outer, check, lockOperation, inner, Statements(inner.WhenTrue));
            }

            var rest = new List<IOperation>();
            for (var j = i + 1; j < lockStatements.Count; j++)
            {
                rest.Add(lockStatements[j]);
            }

            return new DoubleCheck(outer, check, lockOperation, inner, rest);
        }

        return null;
    }

    private static List<IOperation> Statements(IOperation statement)
    {
        var list = new List<IOperation>();
        if (statement is IBlockOperation block)
        {
            list.AddRange(block.Operations);
        }
        else
        {
            list.Add(statement);
        }

        return list;
    }

    private static bool EndsWithJump(IOperation statement) => statement switch
    {
        IReturnOperation or IThrowOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => EndsWithJump(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };
}

/// <summary>In a double-checked body, the assignment that publishes the object and the first later statement that still configures it.</summary>
internal sealed class PublishedEarly
{
    private PublishedEarly(IOperation publish, IOperation configure, int publishIndex)
    {
        Publish = publish;
        Configure = configure;
        PublishIndex = publishIndex;
    }

    /// <summary>The statement <c>_instance = …;</c>.</summary>
    public IOperation Publish { get; }

    /// <summary>The first statement after it that calls, sets or passes on the published object.</summary>
    public IOperation Configure { get; }

    public int PublishIndex { get; }

    public static PublishedEarly? Find(IReadOnlyList<IOperation> body, ISymbol storage)
    {
        for (var i = 0; i < body.Count; i++)
        {
            if (body[i] is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }
                || !THR014DoubleCheckedLockingPublishesEarlyAnalyzer.IsStorage(assignment.Target, storage)
                || assignment.Value.WalkDownConversions().ConstantValue.HasValue)
            {
                continue;
            }

            // The object may be reached through the field or through the local it was built in.
            var local = (assignment.Value.WalkDownConversions() as ILocalReferenceOperation)?.Local;
            for (var j = i + 1; j < body.Count; j++)
            {
                if (Configures(body[j], storage, local))
                {
                    return new PublishedEarly(body[i], body[j], i);
                }
            }

            return null;
        }

        return null;
    }

    private static bool Configures(IOperation statement, ISymbol storage, ILocalSymbol? local)
    {
        foreach (var operation in statement.DescendantsAndSelf())
        {
            var isObject = THR014DoubleCheckedLockingPublishesEarlyAnalyzer.IsStorage(operation, storage)
                || local is not null && operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
            if (isObject && IsConfiguringUse(operation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The object is the receiver of a call, of a member store or event subscription (through member chains), or an argument of a source method.</summary>
    private static bool IsConfiguringUse(IOperation reference)
    {
        var current = reference;
        for (var depth = 0; depth < 8; depth++)
        {
            var parent = current.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation call }:
                    return call.TargetMethod.DeclaringSyntaxReferences.Length > 0;
                case IMemberReferenceOperation member when member.Instance == current:
                    if (SharedStorage.GetWrite(member) is not null || member.Parent is IEventAssignmentOperation)
                    {
                        return true;
                    }

                    current = member;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }
}
