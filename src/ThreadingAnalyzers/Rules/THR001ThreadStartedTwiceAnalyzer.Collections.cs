using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Rules;

/// <summary>THR001 for threads held in an array or list: the loop that starts them all runs again.</summary>
public sealed partial class THR001ThreadStartedTwiceAnalyzer
{
    /// <summary>
    /// A start of the threads of a collection: <c>foreach (var t in threads) t.Start();</c>,
    /// <c>for (var i = 0; …) threads[i].Start();</c> (the unit is the loop), or <c>threads[0].Start()</c> (the unit is the call).
    /// </summary>
    private sealed class CollectionStart
    {
        public CollectionStart(IInvocationOperation invocation, ISymbol collection, ILoopOperation? loop, object? constantIndex = null)
        {
            Invocation = invocation;
            Collection = collection;
            Loop = loop;
            ConstantIndex = constantIndex;
        }

        public IInvocationOperation Invocation { get; }

        public ISymbol Collection { get; }

        /// <summary>The loop that walks the collection once; null for a constant index.</summary>
        public ILoopOperation? Loop { get; }

        public object? ConstantIndex { get; }

        /// <summary>What runs once per "start them all": the iterating loop, or the call itself.</summary>
        public IOperation Unit => Loop ?? (IOperation)Invocation;

        public string Subject => ConstantIndex is null
            ? "The threads in '" + Collection.Name + "'"
            : "Thread '" + Collection.Name + "[" + ConstantIndex + "]'";

        public static CollectionStart? FromElementAccess(IInvocationOperation invocation, IOperation receiver)
        {
            var (collection, index) = receiver switch
            {
                IArrayElementReferenceOperation { Indices.Length: 1 } element => (element.ArrayReference.GetStorageSymbol(), element.Indices[0]),
                IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer => (indexer.Instance.GetStorageSymbol(), indexer.Arguments[0].Value),
                _ => (null, null),
            };
            if (collection is null || index is null)
            {
                return null;
            }

            var indexValue = index.WalkDownConversions();
            if (indexValue.ConstantValue.HasValue)
            {
                return new CollectionStart(invocation, collection, loop: null, indexValue.ConstantValue.Value);
            }

            if (indexValue is ILocalReferenceOperation indexVariable)
            {
                for (var loop = invocation.GetEnclosingLoop(); loop is not null; loop = loop.GetEnclosingLoop())
                {
                    if (loop is IForLoopOperation forLoop && forLoop.Locals.ContainsSymbol(indexVariable.Local))
                    {
                        return new CollectionStart(invocation, collection, forLoop);
                    }
                }
            }

            return null;
        }

        public bool SameThreads(CollectionStart other)
            => SymbolEqualityComparer.Default.Equals(Collection, other.Collection) && Equals(ConstantIndex, other.ConstantIndex);
    }

    /// <summary>
    /// Reports a collection start whose unit runs again (an enclosing loop) or follows an earlier unit over the
    /// same collection, with nothing in between that replaces the threads (assignment, element store, Add/Clear…,
    /// passing the collection to a call).
    /// </summary>
    private sealed class CollectionStartAnalysis
    {
        private static readonly HashSet<string> ReadOnlyMembers = new()
        {
            "GetEnumerator", "Contains", "IndexOf", "LastIndexOf", "Find", "FindAll", "FindIndex", "FindLast", "FindLastIndex",
            "Exists", "TrueForAll", "ToArray", "CopyTo", "GetRange", "BinarySearch", "ForEach", "AsReadOnly", "ConvertAll",
            "Equals", "GetHashCode", "ToString", "GetType", "GetLength", "GetValue",
        };

        private readonly IOperation _root;
        private readonly List<CollectionStart> _starts;
        private readonly Dictionary<SyntaxNode, Finding> _findings;

        public CollectionStartAnalysis(IOperation root, List<CollectionStart> starts, Dictionary<SyntaxNode, Finding> findings)
        {
            _root = root;
            _starts = starts;
            _findings = findings;
        }

        public void Run()
        {
            var kills = CollectKills();
            foreach (var start in _starts)
            {
                if (_findings.ContainsKey(start.Invocation.Syntax))
                {
                    continue;
                }

                var reason = RepeatedByEnclosingLoop(start, kills) ?? PrecededByEarlierStart(start, kills);
                if (reason is not null)
                {
                    _findings[start.Invocation.Syntax] = new Finding(start.Subject, reason, creation: null);
                }
            }
        }

        private static string? RepeatedByEnclosingLoop(CollectionStart start, List<(ISymbol Symbol, int Position)> kills)
        {
            for (var loop = start.Unit.GetEnclosingLoop(); loop is not null; loop = loop.GetEnclosingLoop())
            {
                if (!AnyKill(kills, start.Collection, loop.Syntax.Span.Start, loop.Syntax.Span.End))
                {
                    return "an enclosing loop runs this again and nothing replaces the threads between passes";
                }
            }

            return null;
        }

        private string? PrecededByEarlierStart(CollectionStart start, List<(ISymbol Symbol, int Position)> kills)
        {
            foreach (var earlier in _starts)
            {
                if (earlier == start || !earlier.SameThreads(start) || earlier.Unit.Syntax.Span.End > start.Unit.Syntax.SpanStart
                    || earlier.Unit.Syntax.Span.Contains(start.Unit.Syntax.Span)
                    || !AreSequentialStatements(earlier.Unit, start.Unit)
                    || AnyKill(kills, start.Collection, earlier.Unit.Syntax.Span.End, start.Unit.Syntax.SpanStart))
                {
                    continue;
                }

                return "an earlier statement already started them and nothing replaced them since";
            }

            return null;
        }

        /// <summary>True when the statements holding the two units sit in one block, the first before the second.</summary>
        private static bool AreSequentialStatements(IOperation first, IOperation second)
        {
            for (var outer = first; outer.Parent is not null; outer = outer.Parent)
            {
                if (outer.Parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                if (outer.Parent is not IBlockOperation block)
                {
                    continue;
                }

                for (var inner = second; inner.Parent is not null; inner = inner.Parent)
                {
                    if (inner.Parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        break;
                    }

                    if (inner.Parent == block)
                    {
                        return block.Operations.IndexOf(outer) < block.Operations.IndexOf(inner);
                    }
                }
            }

            return false;
        }

        private static bool AnyKill(List<(ISymbol Symbol, int Position)> kills, ISymbol collection, int from, int to)
        {
            foreach (var (symbol, position) in kills)
            {
                if (position >= from && position < to && SymbolEqualityComparer.Default.Equals(symbol, collection))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Everything that may put other threads into a collection, by position.</summary>
        private List<(ISymbol Symbol, int Position)> CollectKills()
        {
            var kills = new List<(ISymbol, int)>();
            foreach (var operation in _root.Descendants())
            {
                ISymbol? killed = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target.GetStorageSymbol() ?? ElementOwner(assignment.Target),
                    IVariableDeclaratorOperation { Initializer: not null } declarator => declarator.Symbol,
                    IInvocationOperation { Instance: { } instance } invocation when !ReadOnlyMembers.Contains(invocation.TargetMethod.Name) => instance.GetStorageSymbol(),
                    IArgumentOperation argument when argument.Parent is not IInvocationOperation { TargetMethod.IsExtensionMethod: true } => argument.Value.GetStorageSymbol(),
                    _ => null,
                };
                if (killed is not null)
                {
                    kills.Add((killed, operation.Syntax.SpanStart));
                }
            }

            return kills;
        }

        private static ISymbol? ElementOwner(IOperation target) => target switch
        {
            IArrayElementReferenceOperation element => element.ArrayReference.GetStorageSymbol(),
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance.GetStorageSymbol(),
            _ => null,
        };
    }
}
