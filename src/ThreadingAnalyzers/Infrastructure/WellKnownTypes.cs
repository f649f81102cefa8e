using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// The framework types the rules are about, resolved once per compilation and shared by every analyzer.
/// A member is null when the compilation does not reference the type.
/// </summary>
/// <remarks>
/// Each type is resolved on first use, not when the instance is created: a lookup searches every referenced
/// assembly (about 0.1 ms each with the .NET 8 reference pack), so resolving all of them eagerly cost several
/// milliseconds per compilation — on every edit in the IDE — even in code that never touches threading. A rule's
/// compilation-start gate now pays only for the types it tests. To add a type: a field and a property, as below.
/// </remarks>
internal sealed class WellKnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, WellKnownTypes> Cache = new();

    // One box per type once it is resolved (null inside the box: the compilation does not have the type).
    private StrongBox<INamedTypeSymbol?>? _type;
    private StrongBox<INamedTypeSymbol?>? _marshalByRefObject;
    private StrongBox<INamedTypeSymbol?>? _threadStaticAttribute;
    private StrongBox<INamedTypeSymbol?>? _lazy1;

    private StrongBox<INamedTypeSymbol?>? _thread;
    private StrongBox<INamedTypeSymbol?>? _threadState;
    private StrongBox<INamedTypeSymbol?>? _threadPool;
    private StrongBox<INamedTypeSymbol?>? _monitor;
    private StrongBox<INamedTypeSymbol?>? _interlocked;
    private StrongBox<INamedTypeSymbol?>? _volatile;
    private StrongBox<INamedTypeSymbol?>? _mutex;
    private StrongBox<INamedTypeSymbol?>? _semaphore;
    private StrongBox<INamedTypeSymbol?>? _semaphoreSlim;
    private StrongBox<INamedTypeSymbol?>? _spinLock;
    private StrongBox<INamedTypeSymbol?>? _spinWait;
    private StrongBox<INamedTypeSymbol?>? _readerWriterLockSlim;
    private StrongBox<INamedTypeSymbol?>? _readerWriterLock;
    private StrongBox<INamedTypeSymbol?>? _waitHandle;
    private StrongBox<INamedTypeSymbol?>? _manualResetEventSlim;
    private StrongBox<INamedTypeSymbol?>? _countdownEvent;
    private StrongBox<INamedTypeSymbol?>? _barrier;
    private StrongBox<INamedTypeSymbol?>? _threadLocal1;
    private StrongBox<INamedTypeSymbol?>? _asyncLocal1;
    private StrongBox<INamedTypeSymbol?>? _threadingTimer;
    private StrongBox<INamedTypeSymbol?>? _timersTimer;
    private StrongBox<INamedTypeSymbol?>? _lock;
    private StrongBox<INamedTypeSymbol?>? _lazyInitializer;
    private StrongBox<INamedTypeSymbol?>? _cancellationToken;
    private StrongBox<INamedTypeSymbol?>? _cancellationTokenSource;

    private StrongBox<INamedTypeSymbol?>? _task;
    private StrongBox<INamedTypeSymbol?>? _task1;
    private StrongBox<INamedTypeSymbol?>? _taskFactory;
    private StrongBox<INamedTypeSymbol?>? _taskFactory1;
    private StrongBox<INamedTypeSymbol?>? _parallel;
    private StrongBox<INamedTypeSymbol?>? _parallelEnumerable;
    private StrongBox<INamedTypeSymbol?>? _enumerable;

    private StrongBox<INamedTypeSymbol?>? _list1;
    private StrongBox<INamedTypeSymbol?>? _dictionary2;
    private StrongBox<INamedTypeSymbol?>? _hashSet1;
    private StrongBox<INamedTypeSymbol?>? _queue1;
    private StrongBox<INamedTypeSymbol?>? _stack1;
    private StrongBox<INamedTypeSymbol?>? _sortedDictionary2;
    private StrongBox<INamedTypeSymbol?>? _sortedList2;
    private StrongBox<INamedTypeSymbol?>? _sortedSet1;
    private StrongBox<INamedTypeSymbol?>? _linkedList1;

    private StrongBox<INamedTypeSymbol?>? _concurrentQueue1;
    private StrongBox<INamedTypeSymbol?>? _concurrentStack1;
    private StrongBox<INamedTypeSymbol?>? _concurrentBag1;
    private StrongBox<INamedTypeSymbol?>? _concurrentDictionary2;
    private StrongBox<INamedTypeSymbol?>? _blockingCollection1;
    private StrongBox<INamedTypeSymbol?>? _iProducerConsumerCollection1;

    private StrongBox<INamedTypeSymbol?>? _channel;
    private StrongBox<INamedTypeSymbol?>? _channel1;
    private StrongBox<INamedTypeSymbol?>? _channelReader1;
    private StrongBox<INamedTypeSymbol?>? _channelWriter1;

    private StrongBox<INamedTypeSymbol?>? _taskAwaiter;
    private StrongBox<INamedTypeSymbol?>? _taskAwaiter1;
    private StrongBox<INamedTypeSymbol?>? _valueTaskAwaiter;
    private StrongBox<INamedTypeSymbol?>? _valueTaskAwaiter1;
    private StrongBox<INamedTypeSymbol?>? _configuredTaskAwaiter;
    private StrongBox<INamedTypeSymbol?>? _configuredTaskAwaiter1;
    private StrongBox<INamedTypeSymbol?>? _file;
    private StrongBox<INamedTypeSymbol?>? _fileStream;
    private StrongBox<INamedTypeSymbol?>? _console;
    private StrongBox<INamedTypeSymbol?>? _process;
    private StrongBox<INamedTypeSymbol?>? _socket;
    private StrongBox<INamedTypeSymbol?>? _networkStream;
    private StrongBox<INamedTypeSymbol?>? _tcpClient;
    private StrongBox<INamedTypeSymbol?>? _tcpListener;
    private StrongBox<INamedTypeSymbol?>? _udpClient;
    private StrongBox<INamedTypeSymbol?>? _httpClient;
    private StrongBox<INamedTypeSymbol?>? _webClient;
    private StrongBox<INamedTypeSymbol?>? _webRequest;

    private WellKnownTypes(Compilation compilation)
    {
        Compilation = compilation;
    }

    public Compilation Compilation { get; }

    /// <summary>
    /// <c>System.Object</c>, asked for when needed: the first special-type lookup of a compilation loads the core
    /// library's types, which the compiler does anyway once it binds, so asking at compilation start only moves that cost into ours.
    /// </summary>
    public INamedTypeSymbol Object => Compilation.GetSpecialType(SpecialType.System_Object);
    public INamedTypeSymbol? Type => Get(ref _type, "System.Type");
    public INamedTypeSymbol? MarshalByRefObject => Get(ref _marshalByRefObject, "System.MarshalByRefObject");
    public INamedTypeSymbol? ThreadStaticAttribute => Get(ref _threadStaticAttribute, "System.ThreadStaticAttribute");
    public INamedTypeSymbol? Lazy1 => Get(ref _lazy1, "System.Lazy`1");

    public INamedTypeSymbol? Thread => Get(ref _thread, "System.Threading.Thread");
    public INamedTypeSymbol? ThreadState => Get(ref _threadState, "System.Threading.ThreadState");
    public INamedTypeSymbol? ThreadPool => Get(ref _threadPool, "System.Threading.ThreadPool");
    public INamedTypeSymbol? Monitor => Get(ref _monitor, "System.Threading.Monitor");
    public INamedTypeSymbol? Interlocked => Get(ref _interlocked, "System.Threading.Interlocked");
    public INamedTypeSymbol? Volatile => Get(ref _volatile, "System.Threading.Volatile");
    public INamedTypeSymbol? Mutex => Get(ref _mutex, "System.Threading.Mutex");
    public INamedTypeSymbol? Semaphore => Get(ref _semaphore, "System.Threading.Semaphore");
    public INamedTypeSymbol? SemaphoreSlim => Get(ref _semaphoreSlim, "System.Threading.SemaphoreSlim");
    public INamedTypeSymbol? SpinLock => Get(ref _spinLock, "System.Threading.SpinLock");
    public INamedTypeSymbol? SpinWait => Get(ref _spinWait, "System.Threading.SpinWait");
    public INamedTypeSymbol? ReaderWriterLockSlim => Get(ref _readerWriterLockSlim, "System.Threading.ReaderWriterLockSlim");
    public INamedTypeSymbol? ReaderWriterLock => Get(ref _readerWriterLock, "System.Threading.ReaderWriterLock");
    public INamedTypeSymbol? WaitHandle => Get(ref _waitHandle, "System.Threading.WaitHandle");
    public INamedTypeSymbol? ManualResetEventSlim => Get(ref _manualResetEventSlim, "System.Threading.ManualResetEventSlim");
    public INamedTypeSymbol? CountdownEvent => Get(ref _countdownEvent, "System.Threading.CountdownEvent");
    public INamedTypeSymbol? Barrier => Get(ref _barrier, "System.Threading.Barrier");
    public INamedTypeSymbol? ThreadLocal1 => Get(ref _threadLocal1, "System.Threading.ThreadLocal`1");
    public INamedTypeSymbol? AsyncLocal1 => Get(ref _asyncLocal1, "System.Threading.AsyncLocal`1");
    public INamedTypeSymbol? ThreadingTimer => Get(ref _threadingTimer, "System.Threading.Timer");
    public INamedTypeSymbol? TimersTimer => Get(ref _timersTimer, "System.Timers.Timer");
    public INamedTypeSymbol? Lock => Get(ref _lock, "System.Threading.Lock");
    public INamedTypeSymbol? LazyInitializer => Get(ref _lazyInitializer, "System.Threading.LazyInitializer");
    public INamedTypeSymbol? CancellationToken => Get(ref _cancellationToken, "System.Threading.CancellationToken");
    public INamedTypeSymbol? CancellationTokenSource => Get(ref _cancellationTokenSource, "System.Threading.CancellationTokenSource");

    public INamedTypeSymbol? Task => Get(ref _task, "System.Threading.Tasks.Task");
    public INamedTypeSymbol? Task1 => Get(ref _task1, "System.Threading.Tasks.Task`1");
    public INamedTypeSymbol? TaskFactory => Get(ref _taskFactory, "System.Threading.Tasks.TaskFactory");
    public INamedTypeSymbol? TaskFactory1 => Get(ref _taskFactory1, "System.Threading.Tasks.TaskFactory`1");
    public INamedTypeSymbol? Parallel => Get(ref _parallel, "System.Threading.Tasks.Parallel");
    public INamedTypeSymbol? ParallelEnumerable => Get(ref _parallelEnumerable, "System.Linq.ParallelEnumerable");
    public INamedTypeSymbol? Enumerable => Get(ref _enumerable, "System.Linq.Enumerable");

    public INamedTypeSymbol? List1 => Get(ref _list1, "System.Collections.Generic.List`1");
    public INamedTypeSymbol? Dictionary2 => Get(ref _dictionary2, "System.Collections.Generic.Dictionary`2");
    public INamedTypeSymbol? HashSet1 => Get(ref _hashSet1, "System.Collections.Generic.HashSet`1");
    public INamedTypeSymbol? Queue1 => Get(ref _queue1, "System.Collections.Generic.Queue`1");
    public INamedTypeSymbol? Stack1 => Get(ref _stack1, "System.Collections.Generic.Stack`1");
    public INamedTypeSymbol? SortedDictionary2 => Get(ref _sortedDictionary2, "System.Collections.Generic.SortedDictionary`2");
    public INamedTypeSymbol? SortedList2 => Get(ref _sortedList2, "System.Collections.Generic.SortedList`2");
    public INamedTypeSymbol? SortedSet1 => Get(ref _sortedSet1, "System.Collections.Generic.SortedSet`1");
    public INamedTypeSymbol? LinkedList1 => Get(ref _linkedList1, "System.Collections.Generic.LinkedList`1");

    public INamedTypeSymbol? ConcurrentQueue1 => Get(ref _concurrentQueue1, "System.Collections.Concurrent.ConcurrentQueue`1");
    public INamedTypeSymbol? ConcurrentStack1 => Get(ref _concurrentStack1, "System.Collections.Concurrent.ConcurrentStack`1");
    public INamedTypeSymbol? ConcurrentBag1 => Get(ref _concurrentBag1, "System.Collections.Concurrent.ConcurrentBag`1");
    public INamedTypeSymbol? ConcurrentDictionary2 => Get(ref _concurrentDictionary2, "System.Collections.Concurrent.ConcurrentDictionary`2");
    public INamedTypeSymbol? BlockingCollection1 => Get(ref _blockingCollection1, "System.Collections.Concurrent.BlockingCollection`1");
    public INamedTypeSymbol? IProducerConsumerCollection1 => Get(ref _iProducerConsumerCollection1, "System.Collections.Concurrent.IProducerConsumerCollection`1");

    public INamedTypeSymbol? Channel => Get(ref _channel, "System.Threading.Channels.Channel");
    public INamedTypeSymbol? Channel1 => Get(ref _channel1, "System.Threading.Channels.Channel`1");
    public INamedTypeSymbol? ChannelReader1 => Get(ref _channelReader1, "System.Threading.Channels.ChannelReader`1");
    public INamedTypeSymbol? ChannelWriter1 => Get(ref _channelWriter1, "System.Threading.Channels.ChannelWriter`1");

    public INamedTypeSymbol? TaskAwaiter => Get(ref _taskAwaiter, "System.Runtime.CompilerServices.TaskAwaiter");
    public INamedTypeSymbol? TaskAwaiter1 => Get(ref _taskAwaiter1, "System.Runtime.CompilerServices.TaskAwaiter`1");
    public INamedTypeSymbol? ValueTaskAwaiter => Get(ref _valueTaskAwaiter, "System.Runtime.CompilerServices.ValueTaskAwaiter");
    public INamedTypeSymbol? ValueTaskAwaiter1 => Get(ref _valueTaskAwaiter1, "System.Runtime.CompilerServices.ValueTaskAwaiter`1");
    public INamedTypeSymbol? ConfiguredTaskAwaiter => Get(ref _configuredTaskAwaiter, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter");
    public INamedTypeSymbol? ConfiguredTaskAwaiter1 => Get(ref _configuredTaskAwaiter1, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter");
    public INamedTypeSymbol? File => Get(ref _file, "System.IO.File");
    public INamedTypeSymbol? FileStream => Get(ref _fileStream, "System.IO.FileStream");
    public INamedTypeSymbol? Console => Get(ref _console, "System.Console");
    public INamedTypeSymbol? Process => Get(ref _process, "System.Diagnostics.Process");
    public INamedTypeSymbol? Socket => Get(ref _socket, "System.Net.Sockets.Socket");
    public INamedTypeSymbol? NetworkStream => Get(ref _networkStream, "System.Net.Sockets.NetworkStream");
    public INamedTypeSymbol? TcpClient => Get(ref _tcpClient, "System.Net.Sockets.TcpClient");
    public INamedTypeSymbol? TcpListener => Get(ref _tcpListener, "System.Net.Sockets.TcpListener");
    public INamedTypeSymbol? UdpClient => Get(ref _udpClient, "System.Net.Sockets.UdpClient");
    public INamedTypeSymbol? HttpClient => Get(ref _httpClient, "System.Net.Http.HttpClient");
    public INamedTypeSymbol? WebClient => Get(ref _webClient, "System.Net.WebClient");
    public INamedTypeSymbol? WebRequest => Get(ref _webRequest, "System.Net.WebRequest");

    /// <summary>The types of this compilation, created on first use and shared by all analyzers.</summary>
    public static WellKnownTypes Get(Compilation compilation)
        => Cache.GetValue(compilation, static c => new WellKnownTypes(c));

    /// <summary>The type named <paramref name="metadataName"/>, resolved the first time it is asked for.</summary>
    private INamedTypeSymbol? Get(ref StrongBox<INamedTypeSymbol?>? slot, string metadataName)
    {
        var box = System.Threading.Volatile.Read(ref slot);
        if (box is null)
        {
            // Two threads may both resolve it; the lookup is deterministic, so either result is the same symbol.
            System.Threading.Interlocked.CompareExchange(ref slot, new StrongBox<INamedTypeSymbol?>(Resolve(Compilation, metadataName)), null);
            box = slot!;
        }

        return box.Value;
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="wellKnown"/>, or a construction of it when it is generic.</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? wellKnown)
        => type is not null && wellKnown is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, wellKnown);

    /// <summary>True when <paramref name="type"/> is <paramref name="wellKnown"/> or derives from it.</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? type, INamedTypeSymbol? wellKnown)
    {
        if (wellKnown is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, wellKnown))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="method"/> is declared by <paramref name="type"/> and named <paramref name="name"/>.</summary>
    public static bool IsMethod(IMethodSymbol? method, INamedTypeSymbol? type, string name)
        => method is not null && method.Name == name && Is(method.ContainingType, type);

    /// <summary>
    /// Resolves a type by metadata name; when several referenced assemblies define it, prefers the one
    /// the compilation itself or a single visible reference defines (the "best type" rule).
    /// </summary>
    private static INamedTypeSymbol? Resolve(Compilation compilation, string metadataName)
    {
#pragma warning disable RS0030 // The one sanctioned call site.
        var type = compilation.GetTypeByMetadataName(metadataName);
#pragma warning restore RS0030
        if (type is not null)
        {
            return type;
        }

        INamedTypeSymbol? best = null;
        foreach (var candidate in compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, compilation.Assembly))
            {
                return candidate;
            }

            if (candidate.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            if (best is not null)
            {
                return null;
            }

            best = candidate;
        }

        return best;
    }
}
