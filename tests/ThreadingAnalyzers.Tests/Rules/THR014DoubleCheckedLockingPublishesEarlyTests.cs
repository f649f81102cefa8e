using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ThreadingAnalyzers.Tests.Infrastructure;
using ThreadingAnalyzers.CodeFixes.Rules;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR014DoubleCheckedLockingPublishesEarlyAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR014DoubleCheckedLockingPublishesEarlyCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR014DoubleCheckedLockingPublishesEarlyTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
        => new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();

    [Fact]
    public Task A_separate_non_volatile_ready_flag_is_reported_on_the_outer_check()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;
                private string _value;

                public string Get()
                {
                    if ({|#0:!_ready|})
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

                private static string Load() => "loaded";
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("_ready", "is a non-volatile flag checked outside the lock: a thread that sees it set may still see '_value' from before it was written (on ARM64 and other weakly ordered CPUs)"));

    [Fact]
    public Task An_early_return_flag_check_before_the_lock_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private static readonly object Gate = new object();
                private static bool s_initialized;

                public static void EnsureInitialized()
                {
                    if ({|#0:s_initialized|})
                    {
                        return;
                    }

                    lock (Gate)
                    {
                        if (s_initialized)
                        {
                            return;
                        }

                        Initialize();
                        s_initialized = true;
                    }
                }

                private static void Initialize() { }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("s_initialized", "is a non-volatile flag checked outside the lock: a thread that sees it set may still see the work done before it from before it was written (on ARM64 and other weakly ordered CPUs)"));

    [Fact]
    public Task A_flag_written_with_volatile_write_but_read_plainly_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _state;
                private List<int> _items;

                public List<int> Items
                {
                    get
                    {
                        if ({|#0:_state == 0|})
                        {
                            lock (_gate)
                            {
                                if (_state == 0)
                                {
                                    _items = new List<int> { 1, 2 };
                                    Volatile.Write(ref _state, 1);
                                }
                            }
                        }

                        return _items;
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("_state", "is read outside the lock without Volatile.Read: a thread that sees it set may still see '_items' from before it was written (on ARM64 and other weakly ordered CPUs)"));

    [Fact]
    public Task A_flag_read_with_volatile_read_but_set_plainly_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;
                private int _port;

                public int Port()
                {
                    if ({|#0:!Volatile.Read(ref _ready)|})
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _port = 8080;
                                _ready = true;
                            }
                        }
                    }

                    return _port;
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("_ready", "is set without Volatile.Write: a thread that sees it set may still see '_port' from before it was written (on ARM64 and other weakly ordered CPUs)"));

    [Fact]
    public Task An_instance_configured_after_it_is_published_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Settings
            {
                public int Port { get; set; }
                public void Load() => Port = 80;
            }

            class C
            {
                private static readonly object Gate = new object();
                private static Settings s_instance;

                public static Settings Instance
                {
                    get
                    {
                        if ({|#0:s_instance == null|})
                        {
                            lock (Gate)
                            {
                                if (s_instance == null)
                                {
                                    s_instance = new Settings();
                                    s_instance.Load();
                                }
                            }
                        }

                        return s_instance;
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("s_instance", "is published before it is configured: 's_instance.Load()' runs after the assignment inside the lock, while other threads can already take the object from the unlocked check"));

    [Fact]
    public Task An_instance_configured_through_its_local_after_it_is_published_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Settings { public int Port; }

            class C
            {
                private readonly object _gate = new object();
                private Settings _settings;

                public Settings Get()
                {
                    if ([|_settings is null|])
                    {
                        lock (_gate)
                        {
                            if (_settings is null)
                            {
                                var settings = new Settings();
                                _settings = settings;
                                settings.Port = 443;
                            }
                        }
                    }

                    return _settings;
                }
            }
            """);

    [Fact]
    public Task An_instance_whose_collection_is_filled_after_it_is_published_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Registry { public List<string> Names { get; } = new List<string>(); }

            class C
            {
                private readonly object _gate = new object();
                private Registry _registry;

                public Registry Get()
                {
                    if ([|_registry != null|])
                    {
                        return _registry;
                    }

                    lock (_gate)
                    {
                        if (_registry == null)
                        {
                            _registry = new Registry();
                            _registry.Names.Add("first");
                        }

                        return _registry;
                    }
                }
            }
            """);

    [Fact]
    public Task Check_then_create_without_a_lock_in_a_parallel_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Concurrent;

            class C
            {
                private ConcurrentDictionary<int, string> _cache;

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        if ({|#0:_cache == null|})
                            _cache = new ConcurrentDictionary<int, string>();
                        _cache[i] = i.ToString();
                    });
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("_cache", "is checked and then created without a lock by every Parallel.For iteration, and '_cache[i] = i.ToString()' then changes it: two threads can both see it null and each create one, and what goes into the instance that is overwritten is lost"));

    [Fact]
    public Task A_coalescing_assignment_in_tasks_started_in_a_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private static List<string> s_log;

                void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        Task.Run(() => Log("started"));
                    }
                }

                static void Log(string line)
                {
                    [|s_log ??= new List<string>()|];
                    s_log.Add(line);
                }
            }
            """);

    [Fact]
    public Task A_lazy_getter_called_from_two_overlapping_threads_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Service { public void Register(string name) { } }

            class C
            {
                private Service _service;

                Service GetService()
                {
                    if ({|#0:_service == null|})
                    {
                        _service = new Service();
                    }

                    _service.Register("client");
                    return _service;
                }

                void M()
                {
                    var t = new Thread(() => GetService());
                    t.Start();
                    Task.Run(() => GetService());
                    t.Join();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("_service", "is checked and then created without a lock by the new Thread body and the Task.Run callback, and '_service.Register(\"client\")' then changes it: two threads can both see it null and each create one, and what goes into the instance that is overwritten is lost"));

    [Fact]
    public Task Silent_for_the_plain_double_checked_singleton()
        => Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Singleton
            {
                private static readonly object Gate = new object();
                private static Singleton s_instance;

                private Singleton() { }

                public static Singleton Instance
                {
                    get
                    {
                        if (s_instance == null)
                        {
                            lock (Gate)
                            {
                                if (s_instance == null)
                                {
                                    s_instance = new Singleton();
                                }
                            }
                        }

                        return s_instance;
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_double_checked_instance_configured_before_it_is_published()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Settings { public int Port { get; set; } public void Load() { } }

            class C
            {
                private readonly object _gate = new object();
                private Settings _a;
                private Settings _b;

                public Settings A()
                {
                    if (_a == null)
                        lock (_gate)
                            if (_a == null)
                                _a = new Settings { Port = 80 };
                    return _a;
                }

                public Settings B()
                {
                    if (_b == null)
                    {
                        lock (_gate)
                        {
                            if (_b == null)
                            {
                                var settings = new Settings();
                                settings.Load();
                                _b = settings;
                                Console.WriteLine(_b.Port);
                            }
                        }
                    }

                    return _b;
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_volatile_flag_or_volatile_reads_and_writes()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private volatile bool _ready;
                private bool _done;
                private string _value;

                public string Get()
                {
                    if (!_ready)
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _value = "x";
                                _ready = true;
                            }
                        }
                    }

                    if (!Volatile.Read(ref _done))
                    {
                        lock (_gate)
                        {
                            if (!_done)
                            {
                                _value = "y";
                                Volatile.Write(ref _done, true);
                            }
                        }
                    }

                    return _value;
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_flag_is_the_only_thing_set_under_the_lock()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _warned;

                public void WarnOnce()
                {
                    if (!_warned)
                    {
                        lock (_gate)
                        {
                            if (!_warned)
                            {
                                _warned = true;
                            }
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_lazy_of_t_and_lazy_initializer()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Lazy<List<int>> _lazy = new Lazy<List<int>>(() => new List<int>());
                private List<int> _items;

                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        _lazy.Value.Count.ToString();
                        LazyInitializer.EnsureInitialized(ref _items, () => new List<int>());
                    });
                }
            }
            """);

    [Fact]
    public Task Silent_for_check_then_create_under_a_lock_or_with_compare_exchange()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private List<int> _items;
                private List<int> _other;

                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        lock (_gate)
                        {
                            if (_items == null) _items = new List<int>();
                        }

                        Interlocked.CompareExchange(ref _other, new List<int>(), null);
                    });
                }
            }
            """);

    [Fact]
    public Task Silent_for_check_then_create_in_code_that_runs_on_one_thread()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private List<int> _items;
                private List<int> _other;

                List<int> Items()
                {
                    if (_items == null) _items = new List<int>();
                    return _items;
                }

                void M()
                {
                    Task.Run(() =>
                    {
                        _other ??= new List<int>();
                    });
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_cached_value_that_nothing_changes_after_it_is_created()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Text.RegularExpressions;

            class C
            {
                private readonly List<int> _source = new List<int> { 1, 2 };
                private int[] _snapshot;
                private Regex _pattern;

                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        _snapshot ??= _source.ToArray();
                        if (_pattern == null) _pattern = new Regex("a+");
                        Console.WriteLine(_pattern.IsMatch("aa") + " " + _snapshot.Length);
                    });
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_thread_static_cache_in_a_parallel_loop()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                [ThreadStatic] private static List<int> t_buffer;

                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        if (t_buffer == null) t_buffer = new List<int>();
                        var local = (List<int>)null;
                        local ??= new List<int>();
                    });
                }
            }
            """);

    [Fact]
    public Task Mark_volatile_fix_makes_the_ready_flag_volatile()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready; // set once loaded
                private string _value;

                public string Get()
                {
                    if ([|!_ready|])
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _value = "loaded";
                                _ready = true;
                            }
                        }
                    }

                    return _value;
                }
            }
            """,
            Usings + """
            class C
            {
                private readonly object _gate = new object();
                private volatile bool _ready; // set once loaded
                private string _value;

                public string Get()
                {
                    if (!_ready)
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _value = "loaded";
                                _ready = true;
                            }
                        }
                    }

                    return _value;
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.MarkVolatileKey);

    [Fact]
    public Task Volatile_access_fix_reads_and_writes_a_flag_that_cannot_be_volatile()
        => VerifyFixAsync("using System.Collections.Generic;\n" + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;
                private List<int> _items;

                static void Reset(ref bool flag) => flag = false;

                public void Clear() { lock (_gate) { Reset(ref _ready); } }

                public List<int> Items()
                {
                    if ([|!_ready|])
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _items = new List<int> { 1 };
                                _ready = true;
                            }
                        }
                    }

                    return _items;
                }
            }
            """,
            "using System.Collections.Generic;\nusing System.Threading;\n" + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;
                private List<int> _items;

                static void Reset(ref bool flag) => flag = false;

                public void Clear() { lock (_gate) { Reset(ref _ready); } }

                public List<int> Items()
                {
                    if (!Volatile.Read(ref _ready))
                    {
                        lock (_gate)
                        {
                            if (!_ready)
                            {
                                _items = new List<int> { 1 };
                                Volatile.Write(ref _ready, true);
                            }
                        }
                    }

                    return _items;
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.VolatileAccessKey);

    [Fact]
    public Task Volatile_access_fix_adds_only_the_missing_volatile_read()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _state;
                private string _name;

                public string Name()
                {
                    if ([|_state == 0|])
                    {
                        lock (_gate)
                        {
                            if (_state == 0)
                            {
                                _name = "n";
                                Volatile.Write(ref _state, 1);
                            }
                        }
                    }

                    return _name;
                }
            }
            """,
            Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _state;
                private string _name;

                public string Name()
                {
                    if (Volatile.Read(ref _state) == 0)
                    {
                        lock (_gate)
                        {
                            if (_state == 0)
                            {
                                _name = "n";
                                Volatile.Write(ref _state, 1);
                            }
                        }
                    }

                    return _name;
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.VolatileAccessKey);

    [Fact]
    public Task Assign_last_fix_builds_the_object_in_a_local()
        => VerifyFixAsync(Usings + """
            class Settings { public int Port { get; set; } public void Load() => Port = 80; }

            class C
            {
                private static readonly object Gate = new object();
                private static Settings s_instance;

                public static Settings Instance
                {
                    get
                    {
                        if ([|s_instance == null|])
                        {
                            lock (Gate)
                            {
                                if (s_instance == null)
                                {
                                    // create and load
                                    s_instance = new Settings();
                                    s_instance.Load();
                                    C.s_instance.Port++;
                                }
                            }
                        }

                        return s_instance;
                    }
                }
            }
            """,
            Usings + """
            class Settings { public int Port { get; set; } public void Load() => Port = 80; }

            class C
            {
                private static readonly object Gate = new object();
                private static Settings s_instance;

                public static Settings Instance
                {
                    get
                    {
                        if (s_instance == null)
                        {
                            lock (Gate)
                            {
                                if (s_instance == null)
                                {
                                    // create and load
                                    var instance = new Settings();
                                    instance.Load();
                                    instance.Port++;
                                    s_instance = instance;
                                }
                            }
                        }

                        return s_instance;
                    }
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.AssignLastKey);

    [Fact]
    public Task Assign_last_fix_moves_the_store_of_an_existing_local_before_the_return()
        => VerifyFixAsync(Usings + """
            class Settings { public int Port; }

            class C
            {
                private readonly object _gate = new object();
                private Settings _settings;

                public Settings Get()
                {
                    if ([|_settings != null|])
                    {
                        return _settings;
                    }

                    lock (_gate)
                    {
                        if (_settings != null)
                        {
                            return _settings;
                        }

                        var settings = new Settings();
                        _settings = settings;
                        settings.Port = 443;
                        return _settings;
                    }
                }
            }
            """,
            Usings + """
            class Settings { public int Port; }

            class C
            {
                private readonly object _gate = new object();
                private Settings _settings;

                public Settings Get()
                {
                    if (_settings != null)
                    {
                        return _settings;
                    }

                    lock (_gate)
                    {
                        if (_settings != null)
                        {
                            return _settings;
                        }

                        var settings = new Settings();
                        settings.Port = 443;
                        _settings = settings;
                        return settings;
                    }
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.AssignLastKey);

    [Fact]
    public Task Lazy_initializer_fix_replaces_an_unlocked_check_then_create()
        => VerifyFixAsync("using System.Collections.Generic; using System.Threading.Tasks;\n" + """
            class C
            {
                private Dictionary<int, string> _cache;

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        // one cache for all iterations
                        if ([|_cache == null|])
                            _cache = new Dictionary<int, string>();
                        lock (_cache) _cache[i] = "";
                    });
                }
            }
            """,
            "using System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n" + """
            class C
            {
                private Dictionary<int, string> _cache;

                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        // one cache for all iterations
                        LazyInitializer.EnsureInitialized(ref _cache, () => new Dictionary<int, string>());
                        lock (_cache) _cache[i] = "";
                    });
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.LazyInitializerKey);

    [Fact]
    public Task Lazy_initializer_fix_replaces_a_coalescing_assignment_and_keeps_its_value()
        => VerifyFixAsync(Usings + """
            class C
            {
                private static List<string> s_log;

                void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        Task.Run(() => Log("started"));
                    }
                }

                static void Log(string line)
                {
                    var log = [|s_log ??= new List<string>()|];
                    log.Add(line);
                }
            }
            """,
            Usings + """
            class C
            {
                private static List<string> s_log;

                void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        Task.Run(() => Log("started"));
                    }
                }

                static void Log(string line)
                {
                    var log = LazyInitializer.EnsureInitialized(ref s_log, () => new List<string>());
                    log.Add(line);
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.LazyInitializerKey);

    [Fact]
    public Task Lazy_fix_turns_a_private_field_created_in_its_getter_into_lazy_of_t()
        => VerifyFixAsync(Usings + """
            class Service { public void Register(string name) { } }

            class C
            {
                private Service _service;

                Service GetService()
                {
                    if ([|_service == null|])
                    {
                        _service = new Service();
                    }

                    _service.Register("client");
                    return _service;
                }

                void M()
                {
                    var t = new Thread(() => GetService());
                    t.Start();
                    Task.Run(() => GetService());
                    t.Join();
                }
            }
            """,
            Usings + """
            class Service { public void Register(string name) { } }

            class C
            {
                private readonly Lazy<Service> _service = new Lazy<Service>(() => new Service());

                Service GetService()
                {
                    _service.Value.Register("client");
                    return _service.Value;
                }

                void M()
                {
                    var t = new Thread(() => GetService());
                    t.Start();
                    Task.Run(() => GetService());
                    t.Join();
                }
            }
            """,
            THR014DoubleCheckedLockingPublishesEarlyCodeFix.LazyKey);

    [Fact]
    public Task No_lazy_fix_when_the_field_is_used_elsewhere_or_the_factory_uses_instance_state()
        => new Verify.Test
        {
            TestCode = Usings + """
                class Service { public Service(int port) { } public void Open() { } }

                class C
                {
                    private int _port = 80;
                    private Service _a;
                    private Service _b;

                    Service A()
                    {
                        if ([|_a == null|]) _a = new Service(1);
                        _a.Open();
                        return _a;
                    }

                    Service B()
                    {
                        if ([|_b == null|]) _b = new Service(_port);
                        _b.Open();
                        return _b;
                    }

                    void Reset() => _a = null;

                    void M()
                    {
                        Parallel.Invoke(() => A(), () => A(), () => B(), () => B());
                    }
                }
                """,
            FixedCode = Usings + """
                class Service { public Service(int port) { } public void Open() { } }

                class C
                {
                    private int _port = 80;
                    private Service _a;
                    private Service _b;

                    Service A()
                    {
                        if ([|_a == null|]) _a = new Service(1);
                        _a.Open();
                        return _a;
                    }

                    Service B()
                    {
                        if ([|_b == null|]) _b = new Service(_port);
                        _b.Open();
                        return _b;
                    }

                    void Reset() => _a = null;

                    void M()
                    {
                        Parallel.Invoke(() => A(), () => A(), () => B(), () => B());
                    }
                }
                """,
            CodeActionEquivalenceKey = THR014DoubleCheckedLockingPublishesEarlyCodeFix.LazyKey,
        }.RunAsync();

    [Fact]
    public Task No_fix_for_an_auto_property_created_without_a_lock()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private List<int> Cache { get; set; }

                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        if ([|Cache == null|]) Cache = new List<int>();
                        Cache.Add(i);
                    });
                }
            }
            """);

    [Fact]
    public async Task Fix_all_assigns_last_in_every_double_check_of_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR014DoubleCheckedLockingPublishesEarlyCodeFix.AssignLastKey };
        const string Settings = "class Settings { public int Port; public void Load() { } }\n";
        test.TestState.Sources.Add(("A.cs", Settings + """
            class A
            {
                private readonly object _gate = new object();
                private Settings _first;
                private Settings _second;

                public Settings First()
                {
                    if ([|_first == null|])
                    {
                        lock (_gate)
                        {
                            if (_first == null)
                            {
                                _first = new Settings();
                                _first.Load();
                            }
                        }
                    }

                    return _first;
                }

                public Settings Second()
                {
                    if ([|_second == null|])
                    {
                        lock (_gate)
                        {
                            if (_second == null)
                            {
                                _second = new Settings();
                                _second.Port = 1;
                            }
                        }
                    }

                    return _second;
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            class B
            {
                private readonly object _gate = new object();
                private Settings _settings;

                public Settings Get()
                {
                    if ([|_settings == null|])
                        lock (_gate)
                        {
                            if (_settings == null)
                            {
                                _settings = new Settings();
                                _settings.Load();
                            }
                        }

                    return _settings;
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Settings + """
            class A
            {
                private readonly object _gate = new object();
                private Settings _first;
                private Settings _second;

                public Settings First()
                {
                    if (_first == null)
                    {
                        lock (_gate)
                        {
                            if (_first == null)
                            {
                                var first = new Settings();
                                first.Load();
                                _first = first;
                            }
                        }
                    }

                    return _first;
                }

                public Settings Second()
                {
                    if (_second == null)
                    {
                        lock (_gate)
                        {
                            if (_second == null)
                            {
                                var second = new Settings();
                                second.Port = 1;
                                _second = second;
                            }
                        }
                    }

                    return _second;
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            class B
            {
                private readonly object _gate = new object();
                private Settings _settings;

                public Settings Get()
                {
                    if (_settings == null)
                        lock (_gate)
                        {
                            if (_settings == null)
                            {
                                var settings = new Settings();
                                settings.Load();
                                _settings = settings;
                            }
                        }

                    return _settings;
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_marks_each_flag_volatile_once()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR014DoubleCheckedLockingPublishesEarlyCodeFix.MarkVolatileKey };
        test.TestState.Sources.Add(("A.cs", """
            class A
            {
                private readonly object _gate = new object();
                private bool _ready;
                private int _a, _b;

                public int GetA()
                {
                    if ([|!_ready|]) { lock (_gate) { if (!_ready) { _a = 1; _ready = true; } } }
                    return _a;
                }

                public int GetB()
                {
                    if ([|!_ready|]) { lock (_gate) { if (!_ready) { _b = 2; _ready = true; } } }
                    return _b;
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            class B
            {
                private static readonly object Gate = new object();
                private static bool s_loaded;

                public static void Load()
                {
                    if ([|s_loaded|]) return;
                    lock (Gate)
                    {
                        if (s_loaded) return;
                        System.Console.WriteLine("loading");
                        s_loaded = true;
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            class A
            {
                private readonly object _gate = new object();
                private volatile bool _ready;
                private int _a, _b;

                public int GetA()
                {
                    if (!_ready) { lock (_gate) { if (!_ready) { _a = 1; _ready = true; } } }
                    return _a;
                }

                public int GetB()
                {
                    if (!_ready) { lock (_gate) { if (!_ready) { _b = 2; _ready = true; } } }
                    return _b;
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            class B
            {
                private static readonly object Gate = new object();
                private static volatile bool s_loaded;

                public static void Load()
                {
                    if (s_loaded) return;
                    lock (Gate)
                    {
                        if (s_loaded) return;
                        System.Console.WriteLine("loading");
                        s_loaded = true;
                    }
                }
            }
            """));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("if (!_ready) { lock (_gate) { if (!_ready) { _value = ; _ready = true; } } }")]
    [InlineData("if (_value == null) { lock () { if (_value == null) { _value = new(); _value. } } }")]
    [InlineData("if (_value == null) lock (_gate) if (_value == null")]
    [InlineData("if (Missing) { lock (_gate) { if (Missing) { _value = \"\"; Missing = true; } } }")]
    [InlineData("Parallel.For(0, 1, i => { if (_value == null) _value = Missing(); _value ??= new Unknown(); });")]
    [InlineData("if (_ready) return; lock (_gate) { if (_ready) return; _ready = ; }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { readonly object _gate = new(); bool _ready; string _value; void M() { " + body + " } }");
}
