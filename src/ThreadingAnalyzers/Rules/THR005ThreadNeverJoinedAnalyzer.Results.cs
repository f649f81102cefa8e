using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>THR005: does the method read what a thread it left running writes?</summary>
public sealed partial class THR005ThreadNeverJoinedAnalyzer
{
    /// <summary>What <see cref="ThreadResults.FindEarlyRead"/> found.</summary>
    private readonly struct EarlyRead
    {
        public EarlyRead(SyntaxNode? read, string? name, bool waited)
        {
            Read = read;
            Name = name;
            Waited = waited;
        }

        /// <summary>The first read of storage the thread writes, made while the thread may run.</summary>
        public SyntaxNode? Read { get; }

        public string? Name { get; }

        /// <summary>True when the method waits for the thread by other means (an event it sets, a queue it fills, a flag it sets).</summary>
        public bool Waited { get; }
    }

    /// <summary>
    /// Uses the concurrency layer: the thread's region (started by the creation), the storage it writes through the
    /// methods it reaches, and the reads the creating method makes while the region may run.
    /// </summary>
    private sealed class ThreadResults
    {
        private static readonly HashSet<string> WaitMethods = new()
        {
            "WaitOne", "WaitAll", "WaitAny", "Wait", "WaitAsync", "SignalAndWait", "Take", "TryTake", "GetConsumingEnumerable",
            "ReadAsync", "ReadAllAsync", "WaitToReadAsync", "Join",
        };

        private readonly IOperation _root;
        private readonly SemanticModel _model;
        private readonly WellKnownTypes _types;
        private readonly CancellationToken _cancellationToken;

        public ThreadResults(IOperation root, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
        {
            _root = root;
            _model = model;
            _types = types;
            _cancellationToken = cancellationToken;
        }

        /// <summary>
        /// True when the method blocks on something the thread's code can signal — a wait (<c>WaitOne</c>, <c>Wait</c>,
        /// <c>Take</c>…) on storage that a lambda of this method captures, or that the thread's region uses — or returns
        /// a <c>TaskCompletionSource</c>'s task for its caller to wait on.
        /// </summary>
        public bool WaitsByOtherMeans(IObjectCreationOperation creation)
        {
            if (ReturnsCompletionTask())
            {
                return true;
            }

            var waited = WaitedSymbols();
            if (waited.Count == 0)
            {
                return false;
            }

            foreach (var operation in _root.Descendants())
            {
                if (operation.GetStorageSymbol() is { } symbol && waited.Contains(symbol) && operation.GetEnclosingFunction() is not null)
                {
                    return true;
                }
            }

            if (FindRegion(creation) is not { } region)
            {
                return false;
            }

            var index = SharedStorage.GetIndex(ConcurrencyModel.Get(_model.Compilation, _types), _cancellationToken);
            foreach (var symbol in waited)
            {
                foreach (var access in index.InRegions(SharedStorage.GetKey(symbol), _cancellationToken))
                {
                    if (access.Entry?.Region == region)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The first read, in the method, of storage the thread writes, made while the thread may still run.</summary>
        public EarlyRead FindEarlyRead(IObjectCreationOperation creation)
        {
            if (FindRegion(creation) is not { } region)
            {
                return default;
            }

            var index = SharedStorage.GetIndex(ConcurrencyModel.Get(_model.Compilation, _types), _cancellationToken);
            StorageAccess? first = null;
            ISymbol? firstSymbol = null;
            foreach (var pair in RegionWrites.Get(region, _types, _cancellationToken))
            {
                if (IsSynchronizedStorage(pair.Value))
                {
                    continue;
                }

                foreach (var access in index.InCreators(pair.Key, _cancellationToken))
                {
                    if (access.LiveRegion != region || access.IsWrite || access.IsProtected || !IsInRoot(access.Reference.Syntax))
                    {
                        continue;
                    }

                    if (IsInLoopCondition(access.Reference))
                    {
                        // 'while (!done) …' on what the thread writes: the method waits for it (THR010 judges how).
                        return new EarlyRead(null, null, waited: true);
                    }

                    if (first is null || access.Reference.Syntax.SpanStart < first.Reference.Syntax.SpanStart)
                    {
                        first = access;
                        firstSymbol = pair.Value;
                    }
                }
            }

            return first is null ? default : new EarlyRead(first.Reference.Syntax, firstSymbol!.Name, waited: false);
        }

        /// <summary><c>return _completion.Task;</c>: the method hands its caller a task that says when the work is done.</summary>
        private bool ReturnsCompletionTask()
        {
            foreach (var operation in OperationWalk.InFunction(_root, skipFunctions: null, skipAllNested: true))
            {
                if (operation is IReturnOperation { ReturnedValue: { } value }
                    && value.WalkDownConversions() is IPropertyReferenceOperation { Property: { Name: "Task", ContainingType.Name: "TaskCompletionSource" } })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The storage the method's own code blocks on: receivers and arguments of wait calls.</summary>
        private HashSet<ISymbol> WaitedSymbols()
        {
            var waited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in OperationWalk.InFunction(_root, skipFunctions: null, skipAllNested: true))
            {
                if (operation is not IInvocationOperation invocation || !WaitMethods.Contains(invocation.TargetMethod.Name))
                {
                    continue;
                }

                if (invocation.Instance?.GetStorageSymbol() is { } receiver)
                {
                    waited.Add(receiver);
                }

                foreach (var argument in invocation.Arguments)
                {
                    foreach (var value in argument.Value.DescendantsAndSelf())
                    {
                        if (value.GetStorageSymbol() is { } symbol)
                        {
                            waited.Add(symbol);
                        }
                    }
                }
            }

            return waited;
        }

        /// <summary>The concurrency layer's region for the thread started by <paramref name="creation"/>.</summary>
        private ConcurrentRegion? FindRegion(IObjectCreationOperation creation)
        {
            foreach (var region in ConcurrencyModel.Get(_model.Compilation, _types).GetRegions(_cancellationToken))
            {
                if (region.Kind == RegionKind.Thread && region.StartSyntax == creation.Syntax)
                {
                    return region;
                }
            }

            return null;
        }

        /// <summary>Volatile fields and thread-safe collections are made to be read while others write them.</summary>
        private bool IsSynchronizedStorage(ISymbol symbol)
        {
            if (symbol is IFieldSymbol { IsVolatile: true })
            {
                return true;
            }

            var type = symbol.GetStorageType();
            return WellKnownTypes.Is(type, _types.ConcurrentQueue1) || WellKnownTypes.Is(type, _types.ConcurrentStack1)
                || WellKnownTypes.Is(type, _types.ConcurrentBag1) || WellKnownTypes.Is(type, _types.ConcurrentDictionary2)
                || WellKnownTypes.Is(type, _types.BlockingCollection1) || WellKnownTypes.IsOrDerivesFrom(type, _types.Channel1)
                || WellKnownTypes.IsOrDerivesFrom(type, _types.WaitHandle) || WellKnownTypes.Is(type, _types.ManualResetEventSlim)
                || WellKnownTypes.Is(type, _types.CountdownEvent) || WellKnownTypes.Is(type, _types.CancellationTokenSource);
        }

        private bool IsInRoot(SyntaxNode syntax)
            => syntax.SyntaxTree == _root.Syntax.SyntaxTree && _root.Syntax.Span.Contains(syntax.Span);

        /// <summary>
        /// True when the read decides whether a loop goes on: its condition (<c>while (!done)</c>), or the test of an
        /// <c>if</c> in its body that leaves it (<c>while (true) { if (done) break; … }</c>).
        /// </summary>
        private static bool IsInLoopCondition(IOperation reference)
        {
            IOperation child = reference;
            for (var current = reference.Parent; current is not null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IWhileLoopOperation whileLoop when whileLoop.Condition == child:
                    case IForLoopOperation forLoop when forLoop.Condition == child:
                        return true;
                    case IConditionalOperation { WhenTrue: { } exit } conditional when conditional.Condition == child:
                        return LeavesLoop(exit) && conditional.GetEnclosingLoop() is not null;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation or IBlockOperation:
                        return false;
                }
            }

            return false;
        }

        private static bool LeavesLoop(IOperation statement) => statement switch
        {
            IBranchOperation { BranchKind: BranchKind.Break } or IReturnOperation => true,
            IBlockOperation { Operations.Length: > 0 } block => LeavesLoop(block.Operations[block.Operations.Length - 1]),
            _ => false,
        };
    }
}
