using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// The shared storage a concurrent region writes, through the functions it reaches (see <see cref="ConcurrentRegion.Entries"/>):
/// assignments, <c>++</c>, <c>ref</c>/<c>out</c> arguments, mutations of collections, element stores (<c>results[i] = …</c>)
/// and appends (<c>builder.Append(…)</c>) on storage the creator can see. Keys are <see cref="SharedStorage.GetKey"/> keys.
/// </summary>
internal static class RegionWrites
{
    private static readonly HashSet<string> AppendingMethods = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Enqueue", "Push", "TryAdd", "Append", "AppendLine", "AppendFormat",
    };

    /// <summary>Each written storage key of <paramref name="region"/>, with the storage's symbol.</summary>
    public static Dictionary<object, ISymbol> Get(ConcurrentRegion region, WellKnownTypes types, CancellationToken cancellationToken)
    {
        var written = new Dictionary<object, ISymbol>(SymbolKeyComparer.Instance);
        foreach (var entry in region.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.GetBody(cancellationToken) is not { } body)
            {
                continue;
            }

            foreach (var operation in OperationWalk.InFunction(body, skipFunctions: null))
            {
                if (SharedStorage.Classify(operation, entry, types) is not { Sharing: not Sharing.NotShared } storage)
                {
                    continue;
                }

                var kind = SharedAccessIndex.GetAccessKind(operation, types);
                if (kind is AccessKind.Write or AccessKind.CollectionWrite || IsElementStoreOrAppend(operation))
                {
                    written[storage.Key] = storage.Symbol;
                }
            }
        }

        return written;
    }

    /// <summary><c>x[i] = …</c> (array or indexer) or <c>x.Add(…)</c>/<c>x.Append(…)</c>-style calls with <paramref name="reference"/> as <c>x</c>.</summary>
    public static bool IsElementStoreOrAppend(IOperation reference)
    {
        IOperation current = reference;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            IArrayElementReferenceOperation element when element.ArrayReference == current => SharedStorage.GetWrite(element) is not null,
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance == current => SharedStorage.GetWrite(indexer) is not null,
            IInvocationOperation invocation when invocation.Instance == current => AppendingMethods.Contains(invocation.TargetMethod.Name),
            _ => false,
        };
    }
}
