using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Calls that block the calling thread until something else happens: sleeping, joining a thread, waiting for a
/// task, a handle, an event or a queue, and synchronous socket, HTTP, file and console I/O. Lock acquisitions
/// (<c>Monitor.Enter</c>, <c>Mutex.WaitOne</c>) and <c>Monitor.Wait</c> (which releases its lock) are not in the list,
/// nor are waits that return at once where they stand (<see cref="NonBlockingWaits"/>: a task seen complete, a zero timeout…).
/// </summary>
internal static class BlockingCalls
{
    /// <summary>True when a member named <paramref name="name"/> can be a blocking call (a cheap syntax prefilter).</summary>
    public static bool IsCandidateName(string name) => name switch
    {
        "Sleep" or "Join" or "Wait" or "WaitAll" or "WaitAny" or "GetResult" or "Result" or "WaitOne" or "SignalAndWait" => true,
        "Take" or "TryTake" or "WaitForExit" => true,
        "Receive" or "ReceiveFrom" or "Send" or "SendTo" or "Accept" or "Connect" or "AcceptTcpClient" or "AcceptSocket" => true,
        "Read" or "ReadByte" or "Write" or "WriteByte" or "Flush" or "ReadLine" or "ReadKey" => true,
        "ReadAllText" or "ReadAllBytes" or "ReadAllLines" or "WriteAllText" or "WriteAllBytes" or "WriteAllLines" => true,
        "AppendAllText" or "AppendAllLines" or "Copy" or "Move" or "Replace" => true,
        "DownloadString" or "DownloadData" or "DownloadFile" or "UploadString" or "UploadData" or "UploadFile" => true,
        "GetResponse" or "GetRequestStream" => true,
        _ => false,
    };

    /// <summary>How the blocking call reads in a message (<c>Thread.Sleep</c>, <c>Task.Result</c>…), or null when it does not block.</summary>
    public static string? Describe(IOperation operation, WellKnownTypes types)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property.Name: "Result" } result
                when WellKnownTypes.IsOrDerivesFrom(result.Property.ContainingType, types.Task1):
                return NonBlockingWaits.IsCompletedTask(result, result.Instance) ? null : "Task.Result";
            case IInvocationOperation invocation:
                return DescribeInvocation(invocation, types);
            default:
                return null;
        }
    }

    private static string? DescribeInvocation(IInvocationOperation invocation, WellKnownTypes types)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        var name = method.Name;
        if (type is null || NonBlockingWaits.HasZeroTimeout(invocation))
        {
            return null;
        }

        if (WellKnownTypes.Is(type, types.Thread))
        {
            if (name == "Sleep" && invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.WalkDownConversions().ConstantValue is { HasValue: true, Value: 0 })
            {
                return null;
            }

            return name is "Sleep" or "Join" ? "Thread." + name : null;
        }

        if (WellKnownTypes.IsOrDerivesFrom(type, types.Task))
        {
            return name is "Wait" or "WaitAll" or "WaitAny"
                && !(name == "Wait" && !method.IsStatic && NonBlockingWaits.IsCompletedTask(invocation, invocation.Instance))
                    ? "Task." + name
                    : null;
        }

        if (name == "GetResult"
            && (WellKnownTypes.Is(type, types.TaskAwaiter) || WellKnownTypes.Is(type, types.TaskAwaiter1)
                || WellKnownTypes.Is(type, types.ValueTaskAwaiter) || WellKnownTypes.Is(type, types.ValueTaskAwaiter1)
                || WellKnownTypes.Is(type, types.ConfiguredTaskAwaiter) || WellKnownTypes.Is(type, types.ConfiguredTaskAwaiter1)))
        {
            return NonBlockingWaits.IsCompletedTask(invocation, invocation.Instance) ? null : "GetAwaiter().GetResult()";
        }

        if (WellKnownTypes.IsOrDerivesFrom(type, types.WaitHandle))
        {
            // Mutex.WaitOne takes a lock: nesting locks is THR016's business.
            var receiver = invocation.Instance?.WalkDownConversions().Type;
            if (name == "WaitOne" && WellKnownTypes.IsOrDerivesFrom(receiver, types.Mutex))
            {
                return null;
            }

            return name is "WaitOne" or "WaitAll" or "WaitAny" or "SignalAndWait" ? (receiver ?? type).Name + "." + name : null;
        }

        if (WellKnownTypes.Is(type, types.SemaphoreSlim) || WellKnownTypes.Is(type, types.ManualResetEventSlim) || WellKnownTypes.Is(type, types.CountdownEvent))
        {
            // A drain guarded by CurrentCount > 0, or a wait on an event checked IsSet, returns at once.
            var ready = WellKnownTypes.Is(type, types.SemaphoreSlim) ? NonBlockingWaits.IsCountedSemaphore(invocation) : NonBlockingWaits.IsSetEvent(invocation);
            return name == "Wait" && !ready ? type.Name + ".Wait" : null;
        }

        if (WellKnownTypes.Is(type, types.Barrier))
        {
            return name == "SignalAndWait" ? "Barrier.SignalAndWait" : null;
        }

        if (WellKnownTypes.Is(type, types.BlockingCollection1))
        {
            return name == "Take" || name == "TryTake" && HasBlockingTimeout(invocation) ? "BlockingCollection." + name : null;
        }

        if (WellKnownTypes.Is(type, types.Process))
        {
            return name == "WaitForExit" ? "Process.WaitForExit" : null;
        }

        if (WellKnownTypes.Is(type, types.Socket) || WellKnownTypes.Is(type, types.UdpClient))
        {
            return name is "Receive" or "ReceiveFrom" or "Send" or "SendTo" or "Accept" or "Connect" ? type.Name + "." + name : null;
        }

        if (WellKnownTypes.Is(type, types.TcpClient))
        {
            return name == "Connect" ? "TcpClient.Connect" : null;
        }

        if (WellKnownTypes.Is(type, types.TcpListener))
        {
            return name is "AcceptTcpClient" or "AcceptSocket" ? "TcpListener." + name : null;
        }

        if (WellKnownTypes.Is(type, types.HttpClient))
        {
            return name == "Send" ? "HttpClient.Send" : null;
        }

        if (WellKnownTypes.IsOrDerivesFrom(type, types.WebClient))
        {
            return name.StartsWith("Download", System.StringComparison.Ordinal) || name.StartsWith("Upload", System.StringComparison.Ordinal)
                ? "WebClient." + name
                : null;
        }

        if (WellKnownTypes.IsOrDerivesFrom(type, types.WebRequest))
        {
            return name is "GetResponse" or "GetRequestStream" ? "WebRequest." + name : null;
        }

        if (WellKnownTypes.Is(type, types.File))
        {
            return name is "ReadAllText" or "ReadAllBytes" or "ReadAllLines" or "WriteAllText" or "WriteAllBytes" or "WriteAllLines"
                or "AppendAllText" or "AppendAllLines" or "Copy" or "Move" or "Replace"
                ? "File." + name
                : null;
        }

        if (WellKnownTypes.Is(type, types.Console))
        {
            return name is "ReadLine" or "ReadKey" or "Read" ? "Console." + name : null;
        }

        // Stream reads and writes block when the stream is a file or a socket.
        if (name is "Read" or "ReadByte" or "Write" or "WriteByte" or "Flush")
        {
            var receiver = invocation.Instance?.WalkDownConversions().Type;
            if (WellKnownTypes.IsOrDerivesFrom(receiver, types.FileStream) || WellKnownTypes.IsOrDerivesFrom(receiver, types.NetworkStream))
            {
                return receiver!.Name + "." + name;
            }
        }

        return null;
    }

    /// <summary><c>TryTake(out x)</c> returns at once; with a timeout other than zero it waits.</summary>
    private static bool HasBlockingTimeout(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout")
            {
                return argument.Value.WalkDownConversions().ConstantValue is not { HasValue: true, Value: 0 };
            }
        }

        return false;
    }
}
