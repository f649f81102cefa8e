using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Control flow graphs replace some operands by flow captures (<c>x = new T { … }</c> captures <c>x</c> first).
/// This map, filled while walking a graph's blocks in order, sees through them.
/// </summary>
internal sealed class FlowCaptureMap
{
    private readonly Dictionary<CaptureId, IOperation> _values = new();

    public void Record(IFlowCaptureOperation capture) => _values[capture.Id] = capture.Value;

    /// <summary>The operation a capture reference stands for, or the operation itself.</summary>
    public IOperation Resolve(IOperation operation)
    {
        var current = operation.WalkDownConversions();
        for (var depth = 0; depth < 8 && current is IFlowCaptureReferenceOperation reference && _values.TryGetValue(reference.Id, out var value); depth++)
        {
            current = value.WalkDownConversions();
        }

        return current;
    }
}
