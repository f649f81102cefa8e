using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<
    ThreadingAnalyzers.Rules.THR016LockOrderInversionAnalyzer>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR016LockOrderInversionTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public Task Nested_locks_in_opposite_orders_are_reported_on_the_second_path()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Bank
            {
                private readonly object _accounts = new object();
                private readonly object _audit = new object();

                void Transfer()
                {
                    lock (_accounts)
                    {
                        lock ({|#1:_audit|}) { }
                    }
                }

                void Report()
                {
                    lock (_audit)
                    {
                        lock ({|#0:_accounts|}) { }
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_accounts", "_audit", ""));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_inversion_through_another_types_method_is_found_whichever_type_is_analysed_first(bool calleeFirst)
    {
        // Calls made under a lock are followed at the end of the caller's type; the callee's type may end before or after it.
        const string locks = """
            static class Locks
            {
                public static readonly object A = new object();
                public static readonly object B = new object();

                public static void TakeB()
                {
                    lock (B) { }
                }
            }

            """;
        const string user = """
            class User
            {
                void First()
                {
                    lock (Locks.A)
                    {
                        {|#1:Locks.TakeB()|};
                    }
                }

                void Second()
                {
                    lock (Locks.B)
                    {
                        lock ({|#0:Locks.A|}) { }
                    }
                }
            }

            """;
        return Verify.VerifyAnalyzerAsync(
            Usings + (calleeFirst ? locks + user : user + locks),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("Locks.A", "Locks.B", ""));
    }

    [Fact]
    public Task An_inversion_through_a_call_names_the_chain()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Cache
            {
                private readonly object _entries = new object();
                private readonly object _stats = new object();

                void Get()
                {
                    lock (_entries)
                    {
                        {|#1:Count()|};
                    }
                }

                void Count()
                {
                    lock (_stats) { }
                }

                void Reset()
                {
                    lock (_stats)
                    {
                        {|#0:Clear()|};
                    }
                }

                void Clear() => ClearCore();

                void ClearCore()
                {
                    lock (_entries) { }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_entries", "_stats", " (through Clear → ClearCore)"));

    [Fact]
    public Task Monitor_enter_under_a_lock_and_across_two_types_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            static class Locks
            {
                public static readonly object A = new object();
                public static readonly object B = new object();
            }

            class First
            {
                void M()
                {
                    lock (Locks.A)
                    {
                        Monitor.Enter(Locks.B);
                        try { } finally { Monitor.Exit(Locks.B); }
                    }
                }
            }

            class Second
            {
                void M()
                {
                    Monitor.Enter(Locks.B);
                    try
                    {
                        lock ([|Locks.A|]) { }
                    }
                    finally
                    {
                        Monitor.Exit(Locks.B);
                    }
                }
            }
            """);

    [Fact]
    public Task A_call_made_between_monitor_enter_and_exit_is_followed()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Store
            {
                private readonly object _index = new object();
                private readonly object _data = new object();

                void Write()
                {
                    lock (_index)
                    {
                        lock (_data) { }
                    }
                }

                void Compact()
                {
                    Monitor.Enter(_data);
                    try
                    {
                        {|#0:Reindex()|};
                    }
                    finally
                    {
                        Monitor.Exit(_data);
                    }
                }

                void Reindex()
                {
                    lock (_index) { }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_index", "_data", " (through Reindex)").WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_consistent_lock_order_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Bank
            {
                private readonly object _accounts = new object();
                private readonly object _audit = new object();

                void Transfer()
                {
                    lock (_accounts)
                    {
                        lock (_audit) { }
                    }
                }

                void Report()
                {
                    lock (_accounts)
                    {
                        Audit();
                    }
                }

                void Audit()
                {
                    lock (_audit) { }
                }
            }
            """);

    [Fact]
    public Task Sequential_locks_reentrant_locks_and_locks_in_lambdas_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Threading.Tasks;

            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();

                void M()
                {
                    lock (_a) { }
                    lock (_b) { }
                    lock (_a) { lock (_a) { } }
                }

                void N()
                {
                    lock (_b)
                    {
                        Task.Run(() => { lock (_a) { } });
                    }

                    lock (_a)
                    {
                        lock (_b) { }
                    }
                }
            }
            """);

    [Fact]
    public Task A_semaphore_used_as_a_signal_is_not_a_lock()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class EventLoop
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _signal;

                public EventLoop(SemaphoreSlim signal) => _signal = signal;

                void Run()
                {
                    while (true)
                    {
                        _signal.Wait();
                        lock (_gate)
                        {
                            while (_signal.CurrentCount > 0)
                            {
                                _signal.Wait();
                            }
                        }
                    }
                }

                void Post()
                {
                    lock (_gate)
                    {
                        _signal.Release();
                    }
                }
            }
            """);

    [Fact]
    public Task A_semaphore_waited_and_released_by_one_method_is_a_lock()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Store
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _io = new SemaphoreSlim(1, 1);

                void Save()
                {
                    _io.Wait();
                    try
                    {
                        lock (_gate) { }
                    }
                    finally
                    {
                        _io.Release();
                    }
                }

                void Load()
                {
                    lock (_gate)
                    {
                        {|#0:_io.Wait()|};
                        _io.Release();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_io", "_gate", "").WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_lock_the_caller_already_holds_is_reentered_not_ordered()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class TimerQueue
            {
                private static readonly object s_queues = new object();
                private readonly object _gate = new object();

                void ClockChanged()
                {
                    lock (s_queues)
                    {
                        lock (_gate)
                        {
                            Evaluate();
                            lock (s_queues) { }
                        }
                    }
                }

                void Evaluate()
                {
                    lock (s_queues)
                    {
                        Schedule();
                    }
                }

                void Schedule()
                {
                    lock (_gate) { }
                }
            }
            """);

    [Fact]
    public Task Locks_on_locals_and_parameters_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Account
            {
                static void Transfer(Account from, Account to)
                {
                    lock (from)
                    {
                        lock (to) { }
                    }
                }

                static void Swap(object first, object second)
                {
                    lock (second)
                    {
                        lock (first) { }
                    }
                }
            }
            """);

    [Fact]
    public async Task Paths_in_two_documents_are_reported_once()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", "static class G { public static readonly object X = new object(); public static readonly object Y = new object(); }\nclass A { void M() { lock (G.X) { lock ({|#1:G.Y|}) { } } } }"));
        test.TestState.Sources.Add(("B.cs", "class B { void M() { lock (G.Y) { lock ({|#0:G.X|}) { } } } }"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("G.X", "G.Y", ""));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("lock (_a) { lock (")]
    [InlineData("lock (_a) { Missing(); } lock (Unknown) { lock (_a) { } }")]
    [InlineData("Monitor.Enter(_a); lock (_b) { Monitor.Enter( }")]
    [InlineData("lock (_a) { Recurse(); }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { readonly object _a = new(), _b = new(); void Recurse() { lock (_b) { lock (_a) { } } Recurse(); } void M() { " + body + " } }");
}
