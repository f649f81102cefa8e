using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR008LockReleaseNotGuaranteedAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR008LockReleaseNotGuaranteedCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR008LockReleaseNotGuaranteedTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public Task Monitor_enter_with_work_before_exit_is_reported_with_lock_and_release_names()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    {|#0:Monitor.Enter(_gate)|};
                    Work();
                    Monitor.Exit(_gate);
                }

                void Work() { }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.Enter",
                "_gate",
                "is not released in a finally block: if 'Work()' throws, 'Monitor.Exit' never runs and every other thread waiting for the lock blocks forever"));

    [Fact]
    public Task An_early_return_between_acquire_and_release_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);
                private int _count;

                void M(bool skip)
                {
                    {|#0:_semaphore.Wait()|};
                    if (skip)
                    {
                        return;
                    }

                    _count++;
                    _semaphore.Release();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "SemaphoreSlim.Wait",
                "_semaphore",
                "is not released on every path: a path leaves the method without calling 'Release' and the lock stays held"));

    [Theory]
    [InlineData("private readonly SemaphoreSlim _l = new SemaphoreSlim(1);", "await [|_l.WaitAsync()|];", "_l.Release();")]
    [InlineData("private readonly SemaphoreSlim _l = new SemaphoreSlim(1);", "await [|_l.WaitAsync()|].ConfigureAwait(false);", "_l.Release();")]
    [InlineData("private readonly ReaderWriterLockSlim _l = new ReaderWriterLockSlim();", "[|_l.EnterWriteLock()|];", "_l.ExitWriteLock();")]
    [InlineData("private readonly ReaderWriterLockSlim _l = new ReaderWriterLockSlim();", "[|_l.EnterReadLock()|];", "_l.ExitReadLock();")]
    [InlineData("private readonly ReaderWriterLockSlim _l = new ReaderWriterLockSlim();", "[|_l.EnterUpgradeableReadLock()|];", "_l.ExitUpgradeableReadLock();")]
    [InlineData("private readonly Mutex _l = new Mutex();", "[|_l.WaitOne()|];", "_l.ReleaseMutex();")]
    [InlineData("private readonly Semaphore _l = new Semaphore(1, 1);", "[|_l.WaitOne()|];", "_l.Release();")]
    [InlineData("private SpinLock _l = new SpinLock(false);", "var taken = false; [|_l.Enter(ref taken)|];", "if (taken) _l.Exit();")]
    [InlineData("private readonly object _l = new object();", "var taken = false; [|Monitor.Enter(_l, ref taken)|];", "if (taken) Monitor.Exit(_l);")]
    public Task Every_lock_api_with_an_unprotected_release_is_reported(string field, string acquire, string release)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                {{field}}

                async Task M()
                {
                    {{acquire}}
                    Work();
                    {{release}}
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task A_successful_try_enter_whose_exit_is_not_in_finally_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    if ([|Monitor.TryEnter(_gate, 100)|])
                    {
                        Work();
                        Monitor.Exit(_gate);
                    }
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task An_ignored_try_enter_result_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    {|#0:Monitor.TryEnter(_gate)|};
                    try { } finally { Monitor.Exit(_gate); }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.TryEnter",
                "_gate",
                "ignores the result of TryEnter: the code after it runs whether or not the lock was taken, and its Monitor.Exit then throws SynchronizationLockException"));

    [Fact]
    public Task Work_between_the_acquire_and_a_releasing_try_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();

                int M()
                {
                    [|_lock.EnterReadLock()|];
                    var snapshot = Load();
                    try
                    {
                        return snapshot;
                    }
                    finally
                    {
                        _lock.ExitReadLock();
                    }
                }

                int Load() => 1;
            }
            """);

    [Fact]
    public Task Release_in_finally_right_after_the_acquire_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M()
                {
                    Monitor.Enter(_gate);
                    try { Work(); } finally { Monitor.Exit(_gate); }
                }

                async Task N()
                {
                    await _semaphore.WaitAsync().ConfigureAwait(false);
                    try { Work(); } finally { _semaphore.Release(); }
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task The_canonical_lock_taken_pattern_inside_try_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private SpinLock _spin = new SpinLock(false);

                void M()
                {
                    var taken = false;
                    try
                    {
                        Monitor.Enter(_gate, ref taken);
                        Work();
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_gate);
                    }
                }

                void N()
                {
                    bool taken = false;
                    try { _spin.Enter(ref taken); Work(); }
                    finally { if (taken) _spin.Exit(); }
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task Try_enter_guarding_a_try_finally_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M()
                {
                    if (Monitor.TryEnter(_gate, 100))
                    {
                        try { Work(); } finally { Monitor.Exit(_gate); }
                    }
                }

                bool N()
                {
                    if (!_semaphore.Wait(100))
                    {
                        return false;
                    }

                    try { Work(); return true; } finally { _semaphore.Release(); }
                }

                void O()
                {
                    var entered = Monitor.TryEnter(_gate, 100);
                    if (!entered)
                    {
                        throw new TimeoutException();
                    }

                    try { Work(); } finally { Monitor.Exit(_gate); }
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task A_wrapper_that_only_acquires_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                public void Acquire() => Monitor.Enter(_gate);

                public void Release() => Monitor.Exit(_gate);

                public bool TryAcquire() => Monitor.TryEnter(_gate, 10);

                public async Task ThrottleAsync(Func<Task> work)
                {
                    await _semaphore.WaitAsync();
                    _ = work().ContinueWith(_ => _semaphore.Release());
                }
            }
            """);

    [Fact]
    public Task Code_that_cannot_throw_between_acquire_and_release_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _count;
                private DateTime _deadline, _now;

                void M()
                {
                    Monitor.Enter(_gate);
                    _count++;
                    var local = _count * 2;
                    var late = _deadline < _now;
                    Monitor.Exit(_gate);
                }
            }
            """);

    [Fact]
    public Task Volatile_and_interlocked_calls_and_auto_properties_cannot_throw()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private long _pending;
                private bool _disposed;
                private string? _name;

                private int Count { get; set; }

                void M()
                {
                    Monitor.Enter(_gate);
                    if (Volatile.Read(ref _pending) == 0L && !Volatile.Read(ref _disposed))
                    {
                        Interlocked.Increment(ref _pending);
                        Count = Count + 1;
                        _name = _disposed ? null : _name ?? "idle";
                    }

                    Volatile.Write(ref _disposed, true);
                    Monitor.Exit(_gate);
                }
            }
            """);

    [Fact]
    public Task The_message_names_the_first_statement_that_can_throw_not_a_volatile_read()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Drain
            {
                private readonly object _suspendGuard = new object();
                private long _wip;
                private bool _disposed;

                void Run()
                {
                    var g = _suspendGuard;
                    if ({|#0:Monitor.TryEnter(g)|})
                    {
                        if (Volatile.Read(ref _wip) == 0L && !Volatile.Read(ref _disposed))
                        {
                            Monitor.Wait(g);
                        }

                        Monitor.Exit(g);
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.TryEnter",
                "g",
                "is not released in a finally block: if 'Monitor.Wait(g)' throws, 'Monitor.Exit' never runs and every other thread waiting for the lock blocks forever"));

    [Theory]
    [InlineData("new SemaphoreSlim(0)")]
    [InlineData("gate")]
    public Task A_semaphore_used_as_a_signal_is_not_reported(string creation)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            using System.Collections.Concurrent;

            class Enumerator
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private readonly SemaphoreSlim _gate;
                private bool _disposed;
                private int _current;

                public Enumerator(SemaphoreSlim gate)
                {
                    _gate = {{creation}};
                }

                public void OnNext(int value)
                {
                    _queue.Enqueue(value);
                    _gate.Release();
                }

                public bool MoveNext()
                {
                    _gate.Wait();
                    if (_disposed)
                    {
                        throw new ObjectDisposedException("");
                    }

                    if (_queue.TryDequeue(out _current))
                    {
                        return true;
                    }

                    _gate.Release();
                    return false;
                }
            }
            """);

    [Fact]
    public Task A_semaphore_created_with_one_slot_and_released_by_the_same_method_is_still_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                bool M()
                {
                    [|_gate.Wait()|];
                    Work();
                    _gate.Release();
                    return false;
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task A_catch_all_that_releases_and_a_release_after_it_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M()
                {
                    _semaphore.Wait();
                    try
                    {
                        Work();
                    }
                    catch
                    {
                        _semaphore.Release();
                        throw;
                    }

                    _semaphore.Release();
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task Lock_statements_and_waits_that_are_not_locks_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly ManualResetEventSlim _ready = new ManualResetEventSlim();
                private readonly AutoResetEvent _signal = new AutoResetEvent(false);

                void M(Task task)
                {
                    lock (_gate) { Work(); }
                    _ready.Wait();
                    _signal.WaitOne();
                    task.Wait();
                    Work();
                    _signal.Set();
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task Monitor_pair_becomes_a_lock_statement()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    // take the gate
                    [|Monitor.Enter(_gate)|];
                    Work(); // the work
                    Work();
                    Monitor.Exit(_gate);
                    Done();
                }

                void Work() { }
                void Done() { }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    // take the gate
                    lock (_gate)
                    {
                        Work(); // the work
                        Work();
                    }
                    Done();
                }

                void Work() { }
                void Done() { }
            }
            """);

    [Fact]
    public Task Monitor_pair_with_an_early_exit_drops_the_early_exit_release()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                int M(bool skip)
                {
                    [|Monitor.Enter(_gate)|];
                    if (skip)
                    {
                        Monitor.Exit(_gate);
                        return 0;
                    }

                    var value = Work();
                    Monitor.Exit(_gate);
                    return 1;
                }

                int Work() => 1;
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();

                int M(bool skip)
                {
                    lock (_gate)
                    {
                        if (skip)
                        {
                            return 0;
                        }

                        var value = Work();
                    }
                    return 1;
                }

                int Work() => 1;
            }
            """);

    [Fact]
    public Task Semaphore_pair_gets_try_finally()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                async Task M()
                {
                    await [|_semaphore.WaitAsync()|];
                    await WorkAsync();
                    _semaphore.Release();
                }

                Task WorkAsync() => Task.CompletedTask;
            }
            """, Usings + """
            class C
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                async Task M()
                {
                    await _semaphore.WaitAsync();
                    try
                    {
                        await WorkAsync();
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                Task WorkAsync() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Try_enter_in_an_if_gets_try_finally_inside_the_if()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    if ([|Monitor.TryEnter(_gate, 100)|])
                    {
                        Work();
                        Monitor.Exit(_gate);
                    }
                }

                void Work() { }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    if (Monitor.TryEnter(_gate, 100))
                    {
                        try
                        {
                            Work();
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }
                    }
                }

                void Work() { }
            }
            """);

    [Fact]
    public Task Statements_between_the_acquire_and_a_releasing_try_move_into_it()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();

                int M()
                {
                    [|_lock.EnterReadLock()|];
                    var snapshot = Load();
                    try
                    {
                        return snapshot;
                    }
                    finally
                    {
                        _lock.ExitReadLock();
                    }
                }

                int Load() => 1;
            }
            """, Usings + """
            class C
            {
                private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();

                int M()
                {
                    _lock.EnterReadLock();
                    try
                    {
                        var snapshot = Load();
                        return snapshot;
                    }
                    finally
                    {
                        _lock.ExitReadLock();
                    }
                }

                int Load() => 1;
            }
            """);

    [Fact]
    public Task Fix_all_fixes_nested_pairs_and_pairs_in_other_methods()
        => new Verify.Test
        {
            // Two variants (lock statement, try/finally): Fix All applies one equivalence key per pass.
            NumberOfFixAllIterations = 2,
            NumberOfFixAllInDocumentIterations = 2,
            TestCode = Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M()
                {
                    [|Monitor.Enter(_a)|];
                    [|Monitor.Enter(_b)|];
                    Work();
                    Monitor.Exit(_b);
                    Monitor.Exit(_a);
                }

                void N()
                {
                    [|_semaphore.Wait()|];
                    Work();
                    _semaphore.Release();
                }

                void Work() { }
            }
            """,
            FixedCode = Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M()
                {
                    lock (_a)
                    {
                        lock (_b)
                        {
                            Work();
                        }
                    }
                }

                void N()
                {
                    _semaphore.Wait();
                    try
                    {
                        Work();
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                void Work() { }
            }
            """,
        }.RunAsync();

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { readonly object _g = new object(); void M() { [|Monitor.Enter(_g)|]; W(); Monitor.Exit(_g); } void W() { } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { readonly object _g = new object(); void M() { [|Monitor.Enter(_g)|]; W(); Monitor.Exit(_g); } void W() { } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { readonly object _g = new object(); void M() { lock (_g) { W(); } } void W() { } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { readonly object _g = new object(); void M() { lock (_g) { W(); } } void W() { } }"));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_a_local_declared_between_is_used_after_the_release()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                int M()
                {
                    [|Monitor.Enter(_gate)|];
                    var value = Load();
                    Monitor.Exit(_gate);
                    return value;
                }

                int Load() => 1;
            }
            """);

    [Fact]
    public Task No_fix_for_an_ignored_try_enter_or_a_monitor_held_across_await()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    [|Monitor.TryEnter(_gate)|];
                    Monitor.Exit(_gate);
                }

                async Task N()
                {
                    [|Monitor.Enter(_gate)|];
                    await Task.Yield();
                    Monitor.Exit(_gate);
                }
            }
            """);

    [Theory]
    [InlineData("Monitor.Enter(_g); W(); Monitor.Exit(")]
    [InlineData("Monitor.Enter(); W(); Monitor.Exit(_g);")]
    [InlineData("Monitor.TryEnter(_g, ); if (")]
    [InlineData("_s.Wait(; W(); _s.Release();")]
    [InlineData("await _s.WaitAsync(); W(); _s.Release();")]
    [InlineData("Unknown.Enter(_g); W(); Unknown.Exit(_g);")]
    [InlineData("if (Monitor.TryEnter(_g)) { W(); Monitor.Exit(_g); } else")]
    [InlineData("var t = false; try { Monitor.Enter(_g, ref t); } finally { if (t) Monitor.Exit(_g) }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { readonly object _g = new(); readonly SemaphoreSlim _s = new(1); void W() { } void M() { " + body + " } }");
}
