using System;
using System.Collections.Generic;

namespace ThreadingAnalyzers.Benchmarks.Corpus;

/// <summary>
/// Threading-heavy code in the shapes real services have: worker pools on <c>BlockingCollection</c>, channel
/// pipelines, reader/writer caches, lazy singletons, <c>Parallel</c> and PLINQ aggregation, throttled tasks,
/// Monitor-based buffers, timers, thread lifecycles with events, lock hierarchies, spin locks and thread-locals,
/// the thread pool, batching on concurrent queues, semaphores and mutexes — mostly correct, with some of the
/// mistakes the rules exist for (one file in four carries a "legacy" class with one or two of them).
/// </summary>
internal static class ThreadingCode
{
    public const string SharedFile = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        namespace Corpus.Common;

        public sealed record WorkItem(int Id, string Name, double Weight);

        public interface ISink
        {
            void Write(string line);
        }

        public sealed class MemorySink : ISink
        {
            private readonly List<string> _lines = new();
            private readonly object _gate = new();

            public int Count
            {
                get
                {
                    lock (_gate)
                    {
                        return _lines.Count;
                    }
                }
            }

            public void Write(string line)
            {
                lock (_gate)
                {
                    _lines.Add(line);
                }
            }
        }

        public static class Work
        {
            private static long _computed;

            public static long Computed => Interlocked.Read(ref _computed);

            public static double Compute(WorkItem item)
            {
                Interlocked.Increment(ref _computed);
                var value = item.Weight;
                for (var i = 0; i < 8; i++)
                {
                    value = Math.Sqrt((value * value) + i);
                }

                return value;
            }

            public static WorkItem[] Items(int count)
            {
                var items = new WorkItem[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = new WorkItem(i, "item-" + i, i * 0.5);
                }

                return items;
            }
        }
        """;

    private static readonly Func<FileContext, string>[] Templates =
    [
        WorkerPool, ChannelPipeline, ReaderWriterCache, LazyRegistry, ParallelStatistics, ThrottledTasks, MonitorBuffer,
        TimerMonitor, ScannerThread, Ledger, SpinCounter, PoolFanout, Batcher, Gate,
    ];

    private static readonly Func<FileContext, string>[] Mistakes =
    [
        StartedTwice, PollingConsumer, NeverCompleted, RacingCounter, SharedList, EnterWithoutFinally, LockOnThis,
        BusyWait, WaitUnderIf, FlagDoubleCheck, SleepUnderLock, LockInversion, AbortThread, ThreadPerItem,
        EndlessForeground, UnjoinedResult,
    ];

    /// <summary>One file of threading code: a template, and in one file out of four a legacy class with mistakes.</summary>
    public static string File(FileContext ctx)
    {
        var text = Templates[ctx.Index % Templates.Length](ctx);
        if (ctx.Index % 4 != 3)
        {
            return text;
        }

        var first = Mistakes[(ctx.Index / 4) % Mistakes.Length](ctx);
        var secondIndex = ctx.Next(0, Mistakes.Length);
        var second = ctx.Chance(0.5) && secondIndex != (ctx.Index / 4) % Mistakes.Length ? "\n\n" + Mistakes[secondIndex](ctx) : string.Empty;
        return text + $$"""


            public sealed class {{ctx.Noun}}Legacy{{ctx.Id}}
            {
                private readonly object _gate = new();
                private readonly object _otherGate = new();
                private readonly Queue<WorkItem> _items = new();
                private readonly BlockingCollection<int> _jobs = new();
                private bool _done;
                private bool _ready;
                private double _value;
                private long _total;

                public bool Done => _done;

                public long Total => Interlocked.Read(ref _total);

                public void Finish() => _done = true;

                public void Reset()
                {
                    _total = 0;
                    _value = 0;
                    _ready = false;
                }

                public override string ToString() => $"{_done} {_ready} {_value} {_items.Count} {_jobs.Count}";

                {{FileContext.Indent(first + second, 1)}}

                private static double Load() => Work.Compute(new WorkItem(0, "load", 2.0));
            }
            """;
    }

    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Corpus.Common;
        """;

    private static string WorkerPool(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}WorkerPool{{ctx.Id}} : IDisposable
        {
            private readonly BlockingCollection<WorkItem> _queue = new(boundedCapacity: {{ctx.Next(16, 1024)}});
            private readonly List<Thread> _workers = new();
            private readonly ISink _sink;
            private int _processed;
            private int _failed;

            public {{ctx.Noun}}WorkerPool{{ctx.Id}}(ISink sink, int workerCount = {{ctx.Next(2, 9)}})
            {
                _sink = sink;
                for (var w = 0; w < workerCount; w++)
                {
                    var thread = new Thread(Consume) { IsBackground = true, Name = "{{ctx.Lower}}-worker-" + w };
                    _workers.Add(thread);
                }
            }

            public int Processed => Volatile.Read(ref _processed);

            public int Failed => Volatile.Read(ref _failed);

            public void Start()
            {
                foreach (var worker in _workers)
                {
                    worker.Start();
                }
            }

            public void Produce(IEnumerable<WorkItem> items)
            {
                try
                {
                    foreach (var item in items)
                    {
                        _queue.Add(item);
                    }
                }
                finally
                {
                    _queue.CompleteAdding();
                }
            }

            public bool WaitForCompletion(TimeSpan timeout)
            {
                var deadline = DateTime.UtcNow + timeout;
                foreach (var worker in _workers)
                {
                    var remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero || !worker.Join(remaining))
                    {
                        return false;
                    }
                }

                return true;
            }

            private void Consume()
            {
                foreach (var item in _queue.GetConsumingEnumerable())
                {
                    try
                    {
                        var value = Work.Compute(item);
                        {{ctx.Rep($$"""
                        if (value > {{ctx.Next(1, 100)}})
                        {
                            _sink.Write(item.Name + " is heavy: " + value);
                        }
                        """, 4)}}
                        Interlocked.Increment(ref _processed);
                    }
                    catch (InvalidOperationException ex)
                    {
                        Interlocked.Increment(ref _failed);
                        _sink.Write(item.Name + ": " + ex.Message);
                    }
                }
            }

            public void Dispose() => _queue.Dispose();

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string ChannelPipeline(FileContext ctx) => $$"""
        {{Usings}}
        using System.Threading.Channels;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Pipeline{{ctx.Id}}
        {
            private readonly Channel<WorkItem> _input = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions({{ctx.Next(8, 512)}})
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = false,
            });

            private readonly Channel<string> _output = Channel.CreateUnbounded<string>();

            public async Task RunAsync(IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
            {
                var producer = ProduceAsync(items, cancellationToken);
                var consumers = new Task[{{ctx.Next(2, 6)}}];
                for (var c = 0; c < consumers.Length; c++)
                {
                    consumers[c] = Task.Run(() => TransformAsync(cancellationToken), cancellationToken);
                }

                await producer.ConfigureAwait(false);
                await Task.WhenAll(consumers).ConfigureAwait(false);
                _output.Writer.TryComplete();
            }

            public async Task<List<string>> DrainAsync(CancellationToken cancellationToken)
            {
                var results = new List<string>();
                while (await _output.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (_output.Reader.TryRead(out var line))
                    {
                        results.Add(line);
                    }
                }

                return results;
            }

            private async Task ProduceAsync(IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
            {
                try
                {
                    foreach (var item in items)
                    {
                        await _input.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _input.Writer.Complete();
                }
            }

            private async Task TransformAsync(CancellationToken cancellationToken)
            {
                await foreach (var item in _input.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var value = Work.Compute(item);
                    {{ctx.Rep("""
                    if (double.IsFinite(value))
                    {
                        await _output.Writer.WriteAsync(item.Name + "=" + value, cancellationToken).ConfigureAwait(false);
                    }
                    """, 3)}}
                }
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string ReaderWriterCache(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed record {{ctx.Noun}}Entry{{ctx.Id}}(string Key, double Value, DateTime Created);

        public sealed class {{ctx.Noun}}Cache{{ctx.Id}} : IDisposable
        {
            private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
            private readonly Dictionary<string, {{ctx.Noun}}Entry{{ctx.Id}}> _entries = new(StringComparer.Ordinal);
            private long _hits;
            private long _misses;

            public double HitRatio
            {
                get
                {
                    var hits = Interlocked.Read(ref _hits);
                    var total = hits + Interlocked.Read(ref _misses);
                    return total == 0 ? 0 : (double)hits / total;
                }
            }

            public bool TryGet(string key, out {{ctx.Noun}}Entry{{ctx.Id}}? entry)
            {
                _lock.EnterReadLock();
                try
                {
                    if (_entries.TryGetValue(key, out entry))
                    {
                        Interlocked.Increment(ref _hits);
                        return true;
                    }
                }
                finally
                {
                    _lock.ExitReadLock();
                }

                Interlocked.Increment(ref _misses);
                return false;
            }

            public {{ctx.Noun}}Entry{{ctx.Id}} GetOrAdd(string key, Func<string, {{ctx.Noun}}Entry{{ctx.Id}}> factory)
            {
                _lock.EnterUpgradeableReadLock();
                try
                {
                    if (_entries.TryGetValue(key, out var existing))
                    {
                        return existing;
                    }

                    var created = factory(key);
                    _lock.EnterWriteLock();
                    try
                    {
                        _entries[key] = created;
                    }
                    finally
                    {
                        _lock.ExitWriteLock();
                    }

                    return created;
                }
                finally
                {
                    _lock.ExitUpgradeableReadLock();
                }
            }

            public int Evict(DateTime olderThan)
            {
                _lock.EnterWriteLock();
                try
                {
                    var stale = new List<string>();
                    foreach (var pair in _entries)
                    {
                        {{ctx.Rep("""
                        if (pair.Value.Created < olderThan)
                        {
                            stale.Add(pair.Key);
                        }
                        """, 3)}}
                    }

                    foreach (var key in stale)
                    {
                        _entries.Remove(key);
                    }

                    return stale.Count;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }

            public void Dispose() => _lock.Dispose();

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string LazyRegistry(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Registry{{ctx.Id}}
        {
            private static readonly object InstanceGate = new();
            private static readonly Lazy<Dictionary<string, int>> Defaults = new(BuildDefaults, LazyThreadSafetyMode.ExecutionAndPublication);
            private static volatile {{ctx.Noun}}Registry{{ctx.Id}}? _instance;
            private readonly object _gate = new();
            private Dictionary<string, int>? _overrides;

            private {{ctx.Noun}}Registry{{ctx.Id}}()
            {
            }

            public static {{ctx.Noun}}Registry{{ctx.Id}} Instance
            {
                get
                {
                    var instance = _instance;
                    if (instance is null)
                    {
                        lock (InstanceGate)
                        {
                            instance = _instance;
                            if (instance is null)
                            {
                                instance = new {{ctx.Noun}}Registry{{ctx.Id}}();
                                _instance = instance;
                            }
                        }
                    }

                    return instance;
                }
            }

            private Dictionary<string, int> Overrides => LazyInitializer.EnsureInitialized(ref _overrides, () => new Dictionary<string, int>(StringComparer.Ordinal));

            public int Lookup(string key)
            {
                lock (_gate)
                {
                    if (Overrides.TryGetValue(key, out var value))
                    {
                        return value;
                    }
                }

                return Defaults.Value.TryGetValue(key, out var fallback) ? fallback : 0;
            }

            public void Override(string key, int value)
            {
                lock (_gate)
                {
                    Overrides[key] = value;
                }
            }

            public int OverrideAll(IEnumerable<KeyValuePair<string, int>> values)
            {
                var count = 0;
                lock (_gate)
                {
                    foreach (var pair in values)
                    {
                        {{ctx.Rep("""
                        if (!Overrides.TryGetValue(pair.Key, out var existing) || existing != pair.Value)
                        {
                            Overrides[pair.Key] = pair.Value;
                            count++;
                        }
                        """, 3)}}
                    }
                }

                return count;
            }

            private static Dictionary<string, int> BuildDefaults() => new(StringComparer.Ordinal)
            {
                ["{{ctx.Lower}}.timeout"] = {{ctx.Next(100, 5000)}},
                ["{{ctx.Lower}}.retries"] = {{ctx.Next(1, 6)}},
                ["{{ctx.Lower}}.batch"] = {{ctx.Next(10, 500)}},
            };

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string ParallelStatistics(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public static class {{ctx.Noun}}Statistics{{ctx.Id}}
        {
            public static long SumOfSquares(int[] values)
            {
                long total = 0;
                Parallel.For(
                    0,
                    values.Length,
                    () => 0L,
                    (index, state, local) => local + ((long)values[index] * values[index]),
                    local => Interlocked.Add(ref total, local));
                return total;
            }

            public static IReadOnlyDictionary<string, int> CountByCategory(IEnumerable<WorkItem> items)
            {
                var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
                Parallel.ForEach(
                    items,
                    new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                    item => counts.AddOrUpdate(Category(item), 1, (_, count) => count + 1));
                return counts;
            }

            public static double MeanWeight(IReadOnlyList<WorkItem> items)
                => items.AsParallel().WithDegreeOfParallelism({{ctx.Next(2, 8)}}).Select(x => x.Weight).DefaultIfEmpty().Average();

            public static int[] Histogram(double[] samples, int buckets, double max)
            {
                var histogram = new int[buckets];
                var gate = new object();
                Parallel.ForEach(Partitioner.Create(0, samples.Length), range =>
                {
                    var local = new int[buckets];
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        {{ctx.Rep("""
                        var bucket = (int)Math.Clamp(samples[i] / max * buckets, 0, buckets - 1);
                        local[bucket]++;
                        """, 4)}}
                    }

                    lock (gate)
                    {
                        for (var b = 0; b < buckets; b++)
                        {
                            histogram[b] += local[b];
                        }
                    }
                });
                return histogram;
            }

            public static (double Min, double Max) Range(double[] values)
            {
                var min = double.MaxValue;
                var max = double.MinValue;
                Parallel.Invoke(
                    () => min = values.Min(),
                    () => max = values.Max());
                return (min, max);
            }

            private static string Category(WorkItem item) => item.Weight switch
            {
                < {{ctx.Next(1, 10)}} => "light",
                < {{ctx.Next(10, 100)}} => "medium",
                _ => "heavy",
            };

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string ThrottledTasks(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Downloader{{ctx.Id}} : IDisposable
        {
            private readonly SemaphoreSlim _throttle = new({{ctx.Next(2, 16)}});
            private readonly ConcurrentBag<string> _errors = new();

            public IReadOnlyCollection<string> Errors => _errors;

            public async Task<IReadOnlyList<double>> ProcessAllAsync(IReadOnlyList<WorkItem> items, TimeSpan timeout)
            {
                using var cts = new CancellationTokenSource(timeout);
                var tasks = new List<Task<double>>(items.Count);
                foreach (var item in items)
                {
                    tasks.Add(ProcessOneAsync(item, cts.Token));
                }

                return await Task.WhenAll(tasks).ConfigureAwait(false);
            }

            public Task<double> ComputeLongRunning(WorkItem item, CancellationToken cancellationToken)
            {
                var task = Task.Factory.StartNew(() => Work.Compute(item), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                return task.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : 0.0, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            public async Task<double> FirstOfAsync(WorkItem a, WorkItem b, CancellationToken cancellationToken)
            {
                var first = Task.Run(() => Work.Compute(a), cancellationToken);
                var second = Task.Run(() => Work.Compute(b), cancellationToken);
                var winner = await Task.WhenAny(first, second).ConfigureAwait(false);
                return await winner.ConfigureAwait(false);
            }

            private async Task<double> ProcessOneAsync(WorkItem item, CancellationToken cancellationToken)
            {
                await _throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await Task.Delay({{ctx.Next(1, 50)}}, cancellationToken).ConfigureAwait(false);
                    var result = await Task.Run(() => Work.Compute(item), cancellationToken).ConfigureAwait(false);
                    {{ctx.Rep("""
                    if (result < 0)
                    {
                        _errors.Add(item.Name + " is negative");
                    }
                    """, 3)}}
                    return result;
                }
                catch (OperationCanceledException)
                {
                    _errors.Add(item.Name);
                    return double.NaN;
                }
                finally
                {
                    _throttle.Release();
                }
            }

            public void Dispose() => _throttle.Dispose();

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string MonitorBuffer(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Buffer{{ctx.Id}}<T>
        {
            private readonly Queue<T> _items = new();
            private readonly object _gate = new();
            private readonly int _capacity;
            private bool _closed;

            public {{ctx.Noun}}Buffer{{ctx.Id}}(int capacity)
            {
                _capacity = capacity;
            }

            public int Count
            {
                get
                {
                    lock (_gate)
                    {
                        return _items.Count;
                    }
                }
            }

            public void Put(T item)
            {
                lock (_gate)
                {
                    while (_items.Count >= _capacity && !_closed)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_closed)
                    {
                        throw new InvalidOperationException("The buffer is closed.");
                    }

                    _items.Enqueue(item);
                    Monitor.PulseAll(_gate);
                }
            }

            public bool TryTake(out T item, int timeoutMilliseconds)
            {
                lock (_gate)
                {
                    while (_items.Count == 0)
                    {
                        if (_closed || !Monitor.Wait(_gate, timeoutMilliseconds))
                        {
                            item = default!;
                            return false;
                        }
                    }

                    item = _items.Dequeue();
                    Monitor.PulseAll(_gate);
                    return true;
                }
            }

            public void Close()
            {
                lock (_gate)
                {
                    _closed = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        public static class {{ctx.Noun}}BufferDemo{{ctx.Id}}
        {
            public static int Run(int count)
            {
                var buffer = new {{ctx.Noun}}Buffer{{ctx.Id}}<int>({{ctx.Next(4, 64)}});
                var consumed = 0;
                var producer = new Thread(() =>
                {
                    try
                    {
                        for (var i = 0; i < count; i++)
                        {
                            buffer.Put(i);
                        }
                    }
                    finally
                    {
                        buffer.Close();
                    }
                });
                var consumer = new Thread(() =>
                {
                    while (buffer.TryTake(out var value, 1000))
                    {
                        {{ctx.Rep("""
                        if (value >= 0)
                        {
                            Interlocked.Increment(ref consumed);
                        }
                        """, 4)}}
                    }
                });
                {{ctx.Rep("""
                var helper = new Thread(() => buffer.Put(-1)) { IsBackground = true };
                helper.Start();
                if (!helper.Join(1000))
                {
                    buffer.Close();
                }
                """, 4)}}
                producer.Start();
                consumer.Start();
                producer.Join();
                consumer.Join();
                return consumed;
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string TimerMonitor(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Monitor{{ctx.Id}} : IDisposable
        {
            private readonly Timer _timer;
            private readonly System.Timers.Timer _flushTimer;
            private readonly ConcurrentQueue<string> _pending = new();
            private readonly ISink _sink;
            private long _ticks;
            private int _running;

            public {{ctx.Noun}}Monitor{{ctx.Id}}(ISink sink)
            {
                _sink = sink;
                _timer = new Timer(OnTick, null, Timeout.Infinite, Timeout.Infinite);
                _flushTimer = new System.Timers.Timer({{ctx.Next(100, 5000)}}) { AutoReset = true };
                _flushTimer.Elapsed += (_, _) => Flush();
            }

            public long Ticks => Interlocked.Read(ref _ticks);

            public void Start(TimeSpan period)
            {
                _timer.Change(TimeSpan.Zero, period);
                _flushTimer.Start();
            }

            public void Stop()
            {
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
                _flushTimer.Stop();
                Flush();
            }

            public void Dispose()
            {
                _timer.Dispose();
                _flushTimer.Dispose();
            }

            private void OnTick(object? state)
            {
                if (Interlocked.Exchange(ref _running, 1) == 1)
                {
                    return;
                }

                try
                {
                    var tick = Interlocked.Increment(ref _ticks);
                    _pending.Enqueue("{{ctx.Lower}} tick " + tick);
                }
                finally
                {
                    Volatile.Write(ref _running, 0);
                }
            }

            private void Flush()
            {
                var batch = new List<string>();
                while (_pending.TryDequeue(out var line))
                {
                    {{ctx.Rep("""
                    if (line.Length > 0)
                    {
                        batch.Add(line);
                    }
                    """, 3)}}
                }

                if (batch.Count > 0)
                {
                    _sink.Write(string.Join(Environment.NewLine, batch));
                }
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string ScannerThread(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Scanner{{ctx.Id}} : IDisposable
        {
            private readonly ManualResetEventSlim _ready = new(false);
            private readonly CancellationTokenSource _stop = new();
            private readonly ISink _sink;
            private Thread? _thread;
            private volatile bool _faulted;

            public {{ctx.Noun}}Scanner{{ctx.Id}}(ISink sink)
            {
                _sink = sink;
            }

            public bool Faulted => _faulted;

            public void Start()
            {
                if (_thread is not null)
                {
                    throw new InvalidOperationException("The scanner is already running.");
                }

                _thread = new Thread(Run) { IsBackground = true, Name = "{{ctx.Lower}}-scanner" };
                _thread.Start();
                _ready.Wait(TimeSpan.FromSeconds(5));
            }

            public bool Stop(TimeSpan timeout)
            {
                _stop.Cancel();
                var thread = _thread;
                return thread is null || thread.Join(timeout);
            }

            public static double[] ComputeInParallel(IReadOnlyList<WorkItem> items, int workerCount)
            {
                var results = new double[items.Count];
                using var countdown = new CountdownEvent(workerCount);
                var threads = new Thread[workerCount];
                for (var w = 0; w < workerCount; w++)
                {
                    {{ctx.Rep("""
                    var first = w;
                    threads[w] = new Thread(() =>
                    {
                        try
                        {
                            for (var k = first; k < items.Count; k += workerCount)
                            {
                                results[k] = Work.Compute(items[k]);
                            }
                        }
                        finally
                        {
                            countdown.Signal();
                        }
                    });
                    threads[w].Start();
                    """, 5)}}
                }

                countdown.Wait();
                foreach (var thread in threads)
                {
                    thread.Join();
                }

                return results;
            }

            public void Dispose()
            {
                _stop.Dispose();
                _ready.Dispose();
            }

            private void Run()
            {
                _ready.Set();
                var token = _stop.Token;
                while (!token.IsCancellationRequested)
                {
                    try
                    {
                        {{ctx.Rep("""
                        _sink.Write("scan " + DateTime.UtcNow.Ticks);
                        """, 4)}}
                    }
                    catch (InvalidOperationException)
                    {
                        _faulted = true;
                    }

                    token.WaitHandle.WaitOne({{ctx.Next(10, 1000)}});
                }
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string Ledger(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Ledger{{ctx.Id}}
        {
            private readonly object _accountsGate = new();
            private readonly object _journalGate = new();
            private readonly Dictionary<int, decimal> _balances = new();
            private readonly List<string> _journal = new();

            public void Deposit(int account, decimal amount)
            {
                lock (_accountsGate)
                {
                    _balances[account] = _balances.TryGetValue(account, out var balance) ? balance + amount : amount;
                }
            }

            public bool Transfer(int from, int to, decimal amount)
            {
                lock (_accountsGate)
                {
                    if (!_balances.TryGetValue(from, out var source) || source < amount)
                    {
                        return false;
                    }

                    _balances[from] = source - amount;
                    _balances[to] = _balances.TryGetValue(to, out var target) ? target + amount : amount;
                    lock (_journalGate)
                    {
                        _journal.Add($"{from}->{to}: {amount}");
                    }

                    return true;
                }
            }

            public bool TryAudit(TimeSpan timeout, out decimal total)
            {
                var taken = false;
                try
                {
                    Monitor.TryEnter(_accountsGate, timeout, ref taken);
                    if (!taken)
                    {
                        total = 0;
                        return false;
                    }

                    total = 0;
                    foreach (var balance in _balances.Values)
                    {
                        {{ctx.Rep("""
                        total += balance;
                        """, 4)}}
                    }

                    return true;
                }
                finally
                {
                    if (taken)
                    {
                        Monitor.Exit(_accountsGate);
                    }
                }
            }

            public string[] Snapshot()
            {
                lock (_accountsGate)
                {
                    lock (_journalGate)
                    {
                        return _journal.ToArray();
                    }
                }
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string SpinCounter(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Counter{{ctx.Id}} : IDisposable
        {
            private static readonly AsyncLocal<string?> CurrentScope = new();
            private readonly ThreadLocal<Random> _random = new(() => new Random({{ctx.Next(1, 100000)}}));
            private SpinLock _spin = new(enableThreadOwnerTracking: false);
            private long _total;

            public static string? Scope => CurrentScope.Value;

            public long Total
            {
                get
                {
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        return _total;
                    }
                    finally
                    {
                        if (taken)
                        {
                            _spin.Exit();
                        }
                    }
                }
            }

            public void Add(long amount)
            {
                var taken = false;
                try
                {
                    _spin.Enter(ref taken);
                    {{ctx.Rep("""
                    _total += amount;
                    """, 5)}}
                }
                finally
                {
                    if (taken)
                    {
                        _spin.Exit(useMemoryBarrier: false);
                    }
                }
            }

            public int NextJitter(int max) => _random.Value!.Next(max);

            public static void WithScope(string name, Action action)
            {
                var previous = CurrentScope.Value;
                CurrentScope.Value = name;
                try
                {
                    action();
                }
                finally
                {
                    CurrentScope.Value = previous;
                }
            }

            public static bool WaitUntil(Func<bool> condition, int timeoutMilliseconds) => SpinWait.SpinUntil(condition, timeoutMilliseconds);

            public void Dispose() => _random.Dispose();

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string PoolFanout(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public static class {{ctx.Noun}}Fanout{{ctx.Id}}
        {
            public static int[] Run(IReadOnlyList<WorkItem> items)
            {
                var results = new int[items.Count];
                using var done = new CountdownEvent(Math.Max(1, items.Count));
                if (items.Count == 0)
                {
                    done.Signal();
                }

                for (var k = 0; k < items.Count; k++)
                {
                    var index = k;
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        try
                        {
                            {{ctx.Rep("""
                            results[index] = (int)Work.Compute(items[index]);
                            """, 7)}}
                        }
                        finally
                        {
                            done.Signal();
                        }
                    });
                }

                done.Wait();
                return results;
            }

            public static void Notify(ISink sink, string message)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Sink.Write(state.Message), (Sink: sink, Message: message), preferLocal: false);
            }

            public static Task<int> CountAsync(IEnumerable<WorkItem> items)
            {
                var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        source.SetResult(items.Count(i => i.Weight > {{ctx.Next(1, 50)}}));
                    }
                    catch (InvalidOperationException ex)
                    {
                        source.SetException(ex);
                    }
                });
                return source.Task;
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string Batcher(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Batcher{{ctx.Id}}
        {
            private readonly ConcurrentQueue<WorkItem> _queue = new();
            private readonly object _flushGate = new();
            private readonly ISink _sink;
            private int _pending;

            public {{ctx.Noun}}Batcher{{ctx.Id}}(ISink sink)
            {
                _sink = sink;
            }

            public int Pending => Volatile.Read(ref _pending);

            public void Post(WorkItem item)
            {
                _queue.Enqueue(item);
                if (Interlocked.Increment(ref _pending) >= {{ctx.Next(8, 256)}})
                {
                    Flush();
                }
            }

            public int Flush()
            {
                if (!Monitor.TryEnter(_flushGate))
                {
                    return 0;
                }

                try
                {
                    var count = 0;
                    while (_queue.TryDequeue(out var item))
                    {
                        {{ctx.Rep("""
                        _sink.Write(item.Id + ":" + item.Name);
                        """, 4)}}
                        count++;
                        Interlocked.Decrement(ref _pending);
                    }

                    return count;
                }
                finally
                {
                    Monitor.Exit(_flushGate);
                }
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    private static string Gate(FileContext ctx) => $$"""
        {{Usings}}

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Gate{{ctx.Id}} : IDisposable
        {
            private readonly SemaphoreSlim _slots = new({{ctx.Next(1, 8)}});
            private readonly Mutex _mutex = new(false);
            private readonly Barrier _barrier = new({{ctx.Next(2, 5)}});
            private int _runs;

            public int Runs => Volatile.Read(ref _runs);

            public bool TryRun(Action action, TimeSpan timeout)
            {
                if (!_slots.Wait(timeout))
                {
                    return false;
                }

                try
                {
                    {{ctx.Rep("""
                    action();
                    Interlocked.Increment(ref _runs);
                    """, 5)}}
                    return true;
                }
                finally
                {
                    _slots.Release();
                }
            }

            public void RunExclusive(Action action)
            {
                _mutex.WaitOne();
                try
                {
                    action();
                }
                finally
                {
                    _mutex.ReleaseMutex();
                }
            }

            public bool Arrive(TimeSpan timeout) => _barrier.SignalAndWait(timeout);

            public void Dispose()
            {
                _slots.Dispose();
                _mutex.Dispose();
                _barrier.Dispose();
            }

            {{FileContext.Indent(PlainCode.HelperMethods(ctx), 1)}}
        }
        """;

    // The mistakes: each a member (or a pair) of the legacy class, which has _gate, _otherGate, _items, _jobs,
    // _done, _ready, _value and _total.
    private static string StartedTwice(FileContext ctx) => """
        public static void Restart(WorkItem item)
        {
            var worker = new Thread(() => Work.Compute(item));
            worker.Start();
            worker.Join();
            worker.Start();
        }
        """;

    private static string PollingConsumer(FileContext ctx) => """
        public static int DrainWhileNotEmpty(ConcurrentQueue<WorkItem> queue)
        {
            var consumer = Task.Run(() =>
            {
                var n = 0;
                while (!queue.IsEmpty)
                {
                    if (queue.TryDequeue(out var item))
                    {
                        n += item.Id;
                    }
                }

                return n;
            });
            return consumer.Result;
        }
        """;

    private static string NeverCompleted(FileContext ctx) => """
        public void ProduceJobs(int count)
        {
            for (var k = 0; k < count; k++)
            {
                _jobs.Add(k);
            }
        }

        public int ConsumeJobs()
        {
            var sum = 0;
            foreach (var job in _jobs.GetConsumingEnumerable())
            {
                sum += job;
            }

            return sum;
        }
        """;

    private static string RacingCounter(FileContext ctx) => """
        public static int CountMultiplesOfThree(int n)
        {
            var count = 0;
            Parallel.For(0, n, k =>
            {
                if (k % 3 == 0)
                {
                    count++;
                }
            });
            return count;
        }
        """;

    private static string SharedList(FileContext ctx) => """
        public static List<double> ComputeAll(IEnumerable<WorkItem> items)
        {
            var results = new List<double>();
            Parallel.ForEach(items, item => results.Add(Work.Compute(item)));
            return results;
        }
        """;

    private static string EnterWithoutFinally(FileContext ctx) => """
        public void AddUnsafely(long amount)
        {
            Monitor.Enter(_gate);
            _total += amount;
            Monitor.Exit(_gate);
        }
        """;

    private static string LockOnThis(FileContext ctx) => """
        public void IncrementLockingThis()
        {
            lock (this)
            {
                _total++;
            }
        }
        """;

    private static string BusyWait(FileContext ctx) => """
        public void WaitUntilDone()
        {
            new Thread(Finish).Start();
            while (!_done)
            {
                Thread.Sleep(10);
            }
        }
        """;

    private static string WaitUnderIf(FileContext ctx) => """
        public WorkItem TakeOne()
        {
            lock (_gate)
            {
                if (_items.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                return _items.Dequeue();
            }
        }

        public void PutOne(WorkItem item)
        {
            lock (_gate)
            {
                _items.Enqueue(item);
                Monitor.Pulse(_gate);
            }
        }
        """;

    private static string FlagDoubleCheck(FileContext ctx) => """
        public double Value
        {
            get
            {
                if (!_ready)
                {
                    lock (_gate)
                    {
                        if (!_ready)
                        {
                            _value = Load();
                            _ready = true;
                        }
                    }
                }

                return _value;
            }
        }
        """;

    private static string SleepUnderLock(FileContext ctx) => """
        public void SlowIncrement()
        {
            lock (_gate)
            {
                Thread.Sleep(50);
                _total++;
            }
        }
        """;

    private static string LockInversion(FileContext ctx) => """
        public void MoveForward()
        {
            lock (_gate)
            {
                lock (_otherGate)
                {
                    _total++;
                }
            }
        }

        public void MoveBackward()
        {
            lock (_otherGate)
            {
                lock (_gate)
                {
                    _total--;
                }
            }
        }
        """;

    private static string AbortThread(FileContext ctx) => """
        #pragma warning disable SYSLIB0006
        public static void Cancel(Thread worker)
        {
            if (worker.IsAlive)
            {
                worker.Abort();
            }
        }
        #pragma warning restore SYSLIB0006
        """;

    private static string ThreadPerItem(FileContext ctx) => """
        public static void ProcessEach(IEnumerable<WorkItem> items)
        {
            foreach (var item in items)
            {
                var thread = new Thread(() => Work.Compute(item));
                thread.Start();
            }
        }
        """;

    private static string EndlessForeground(FileContext ctx) => """
        public void StartPoller()
        {
            var poller = new Thread(() =>
            {
                while (true)
                {
                    Interlocked.Increment(ref _total);
                    Thread.Sleep(100);
                }
            });
            poller.Start();
        }
        """;

    private static string UnjoinedResult(FileContext ctx) => """
        public static double ComputeInBackground(WorkItem item)
        {
            double result = 0;
            var thread = new Thread(() => result = Work.Compute(item));
            thread.Start();
            return result;
        }
        """;
}
