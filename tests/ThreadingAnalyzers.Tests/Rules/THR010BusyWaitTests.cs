using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using ThreadingAnalyzers.CodeFixes.Rules;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR010BusyWaitAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR010BusyWaitCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR010BusyWaitTests
{
    private const string Usings = "using System; using System.Diagnostics; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
    {
        var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };

        return test.RunAsync();
    }

    [Fact]
    public Task An_empty_spin_on_a_field_set_by_a_thread_is_reported_with_the_hoisting_risk()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    new Thread(() => { _done = true; }).Start();
                    while ({|#0:!_done|}) { }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins", "_done", "set", "the new Thread body", "'_done' is not volatile, so the JIT may read it once and the loop may never end"));

    [Fact]
    public Task Sleep_polling_in_a_thread_until_stop_sets_the_flag_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _stop;

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stop = true;

                private void Run()
                {
                    while ({|#0:!_stop|})
                    {
                        Thread.Sleep(100);
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop sleeps in Thread.Sleep", "_stop", "set", "'Stop' on another thread", "block on an event instead"));

    [Fact]
    public Task Yield_polling_on_a_captured_local_set_by_a_task_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var done = false;
                    Task.Run(() => { Console.WriteLine("work"); done = true; });
                    while ({|#0:!done|}) Thread.Yield();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop yields with Thread.Yield", "done", "set", "the Task.Run callback", "block on an event instead"));

    [Fact]
    public Task A_do_while_sleep_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _ready;

                void M()
                {
                    ThreadPool.QueueUserWorkItem(_ => _ready = true);
                    do
                    {
                        Thread.Sleep(10);
                    }
                    while ([|!_ready|]);
                }
            }
            """);

    [Fact]
    public Task A_while_true_loop_that_breaks_on_the_flag_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    var t = new Thread(() => _done = true);
                    t.Start();
                    while (true)
                    {
                        if ([|_done|])
                        {
                            break;
                        }

                        Thread.Sleep(1);
                    }
                }
            }
            """);

    [Fact]
    public Task A_for_loop_spin_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    for (; [|!_done|];)
                    {
                    }
                }
            }
            """);

    [Fact]
    public Task Polling_an_int_state_changed_by_a_timer_callback_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private int _state;
                private Timer _timer;

                void M()
                {
                    _timer = new Timer(_ => _state = 2, null, 100, Timeout.Infinite);
                    while ({|#0:_state != 2|}) Thread.SpinWait(20);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins with SpinWait", "_state", "changed", "the timer callback", "block on an event instead"));

    [Fact]
    public Task Polling_for_a_result_to_be_published_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private string _result;

                string M()
                {
                    Task.Factory.StartNew(() => _result = "done");
                    while ([|_result == null|]) Task.Delay(5).Wait();
                    return _result;
                }
            }
            """);

    [Fact]
    public Task A_running_flag_cleared_by_stop_is_reported_as_cleared()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _running = true;

                public void Start() => Task.Run(() => Wait());

                public void Stop() { _running = false; }

                private void Wait()
                {
                    while ({|#0:_running|}) Thread.Sleep(50);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop sleeps in Thread.Sleep", "_running", "cleared", "'Stop' on another thread", "block on an event instead"));

    [Fact]
    public Task An_unbounded_spin_until_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    new Thread(() => _done = true).Start();
                    {|#0:SpinWait.SpinUntil(() => _done)|};
                    [|SpinWait.SpinUntil(() => _done, Timeout.Infinite)|];
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("SpinWait.SpinUntil polls", "_done", "set", "the new Thread body", "block on an event instead"));

    [Fact]
    public Task Silent_for_an_empty_spin_on_a_volatile_field_or_through_volatile_read()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;
                private volatile int _state;

                void M()
                {
                    Task.Run(() => { Volatile.Write(ref _done, true); _state = 1; });
                    while (!Volatile.Read(ref _done)) { }
                    while (_state == 0) ;
                }
            }
            """);

    [Fact]
    public Task Sleep_polling_on_a_volatile_flag_is_still_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    Task.Run(() => Volatile.Write(ref _done, true));
                    while ({|#0:!Volatile.Read(ref _done)|}) Thread.Sleep(1);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop sleeps in Thread.Sleep", "_done", "set", "the Task.Run callback", "block on an event instead"));

    [Fact]
    public Task Polling_a_property_of_a_worker_running_on_a_thread_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Worker
            {
                public bool Finished { get; private set; }

                public void Run() { Console.WriteLine("work"); Finished = true; }
            }

            class C
            {
                void M()
                {
                    var worker = new Worker();
                    new Thread(worker.Run).Start();
                    while ({|#0:!worker.Finished|}) Thread.Sleep(10);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop sleeps in Thread.Sleep", "Finished", "set", "the thread running 'Run'", "block on an event instead"));

    [Fact]
    public Task A_spin_with_a_spin_wait_struct_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    var spinner = new SpinWait();
                    while ([|!_done|]) spinner.SpinOnce();
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_periodic_loop_that_does_real_work_between_sleeps()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _stop;

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stop = true;

                private void Run()
                {
                    while (!_stop)
                    {
                        Console.WriteLine("tick");
                        Thread.Sleep(1000);
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_wait_on_an_event_with_a_timeout()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _done;
                private readonly ManualResetEventSlim _signal = new();
                private readonly AutoResetEvent _handle = new(false);

                void M()
                {
                    Task.Run(() => { _done = true; _signal.Set(); _handle.Set(); });
                    while (!_done) _signal.Wait(100);
                    while (!_done) _handle.WaitOne(100);
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_volatile_flag_read_through_an_event()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _done;
                private readonly ManualResetEventSlim _changed = new();

                void M()
                {
                    Task.Run(() => { _done = true; _changed.Set(); });
                    while (!_done)
                    {
                        _changed.Wait();
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_bounded_spin_until_and_bounded_polls()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    SpinWait.SpinUntil(() => _done, 1000);
                    SpinWait.SpinUntil(() => _done, TimeSpan.FromSeconds(1));
                    var watch = Stopwatch.StartNew();
                    while (!_done && watch.ElapsedMilliseconds < 1000) Thread.Sleep(1);
                }
            }
            """);

    [Fact]
    public Task Silent_when_no_other_thread_writes_the_flag()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                public void Stop() => _done = true;

                void M()
                {
                    while (!_done) Thread.Sleep(10);
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_other_thread_only_resets_the_flag()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    Task.Run(() => _done = false);
                    while (!_done) Thread.Sleep(10);
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_flag_is_set_only_after_the_thread_was_joined()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    var t = new Thread(() =>
                    {
                        while (!_done) Thread.Sleep(10);
                    });
                    _done = true;
                    t.Start();
                    t.Join();
                    _done = true;
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_flag_is_written_only_in_the_constructor()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                public C() { _done = true; }

                void M()
                {
                    Task.Run(() => { while (!_done) Thread.Sleep(10); });
                }
            }
            """);

    [Fact]
    public Task Silent_for_async_polling_with_await_task_delay()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _done;

                async Task M()
                {
                    _ = Task.Run(() => _done = true);
                    while (!_done) await Task.Delay(10);
                }
            }
            """);

    [Fact]
    public Task Event_fix_replaces_a_field_flag_set_by_stop_and_the_sleep_loop()
        => VerifyFixAsync(Usings + """
            class C
            {
                // Set when the worker must stop.
                private volatile bool _stop;

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stop = true;

                public bool IsStopping => _stop;

                private void Run()
                {
                    // wait for the stop request
                    while ([|!_stop|])
                    {
                        Thread.Sleep(100);
                    }
                }
            }
            """,
            Usings + """
            class C
            {
                // Set when the worker must stop.
                private readonly ManualResetEventSlim _stop = new ManualResetEventSlim();

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stop.Set();

                public bool IsStopping => _stop.IsSet;

                private void Run()
                {
                    // wait for the stop request
                    _stop.Wait();
                }
            }
            """,
            THR010BusyWaitCodeFix.EventKey);

    [Fact]
    public Task Event_fix_replaces_a_captured_local_set_by_a_task_and_adds_the_using()
        => VerifyFixAsync("using System; using System.Threading.Tasks;\n" + """
            class C
            {
                void M()
                {
                    var done = false;
                    Task.Run(() => done = true);
                    while ([|!done|]) System.Threading.Thread.Sleep(10);
                    Console.WriteLine(done);
                }
            }
            """,
            "using System;\nusing System.Threading;\nusing System.Threading.Tasks;\n" + """
            class C
            {
                void M()
                {
                    var done = new ManualResetEventSlim();
                    Task.Run(() => done.Set());
                    done.Wait();
                    Console.WriteLine(done.IsSet);
                }
            }
            """,
            THR010BusyWaitCodeFix.EventKey);

    [Fact]
    public Task Event_fix_handles_break_and_return_loops_resets_volatile_calls_and_spin_until()
        => VerifyFixAsync(Usings + """
            class C
            {
                private bool _ready, _other;

                void Produce()
                {
                    Volatile.Write(ref _ready, true);
                }

                void Restart() { _ready = false; }

                void M()
                {
                    new Thread(Produce).Start();
                    while (true)
                    {
                        if ([|_ready|]) break;
                        Thread.Sleep(1);
                    }

                    do { Thread.Yield(); } while ([|!Volatile.Read(ref _ready)|]);
                    [|SpinWait.SpinUntil(() => _ready)|];
                }

                int N()
                {
                    for (;;)
                    {
                        if ([|_ready == true|]) return 1;
                        Thread.Sleep(1);
                    }
                }
            }
            """,
            Usings + """
            class C
            {
                private bool _other;
                private readonly ManualResetEventSlim _ready = new ManualResetEventSlim();

                void Produce()
                {
                    _ready.Set();
                }

                void Restart() { _ready.Reset(); }

                void M()
                {
                    new Thread(Produce).Start();
                    _ready.Wait();

                    _ready.Wait();
                    _ready.Wait();
                }

                int N()
                {
                    _ready.Wait();
                    return 1;
                }
            }
            """,
            THR010BusyWaitCodeFix.EventKey);

    [Fact]
    public Task Volatile_fix_marks_the_spun_field_volatile()
        => VerifyFixAsync(Usings + """
            class C
            {
                private int _state;

                void M()
                {
                    Task.Run(() => _state = 1);
                    while ([|_state == 0|]) { }
                }
            }
            """,
            Usings + """
            class C
            {
                private volatile int _state;

                void M()
                {
                    Task.Run(() => _state = 1);
                    while (_state == 0) { }
                }
            }
            """,
            THR010BusyWaitCodeFix.VolatileKey);

    [Fact]
    public Task Volatile_fix_keeps_the_comment_of_a_field_without_modifiers()
        => VerifyFixAsync(Usings + """
            class C
            {
                // the flag
                bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    while ([|!_done|]) ;
                }
            }
            """,
            Usings + """
            class C
            {
                // the flag
                volatile bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    while (!_done) ;
                }
            }
            """,
            THR010BusyWaitCodeFix.VolatileKey);

    [Fact]
    public Task Event_fix_qualifies_the_event_type_when_a_new_using_would_make_Timer_ambiguous()
        => VerifyFixAsync("using System.Threading.Tasks; using System.Timers;\n" + """
            class C
            {
                private readonly Timer _timer = new Timer(5);
                private bool _done;

                void M()
                {
                    Task.Run(() => _done = true);
                    while ([|!_done|]) System.Threading.Thread.Sleep(10);
                }
            }
            """,
            "using System.Threading.Tasks; using System.Timers;\n" + """
            class C
            {
                private readonly Timer _timer = new Timer(5);
                private readonly System.Threading.ManualResetEventSlim _done = new System.Threading.ManualResetEventSlim();

                void M()
                {
                    Task.Run(() => _done.Set());
                    _done.Wait();
                }
            }
            """,
            THR010BusyWaitCodeFix.EventKey);

    [Fact]
    public Task Volatile_read_fix_for_a_captured_local_and_a_long_field()
        => VerifyFixAsync(Usings + """
            class C
            {
                private long _ticks;

                void M()
                {
                    var done = false;
                    Task.Run(() => { done = true; _ticks = 5; });
                    while ([|!done|]) { }
                    while ([|_ticks == 0|]) { }
                }
            }
            """,
            Usings + """
            class C
            {
                private long _ticks;

                void M()
                {
                    var done = false;
                    Task.Run(() => { done = true; _ticks = 5; });
                    while (!Volatile.Read(ref done)) { }
                    while (Volatile.Read(ref _ticks) == 0) { }
                }
            }
            """,
            THR010BusyWaitCodeFix.VolatileReadKey);

    [Fact]
    public async Task Fix_all_converts_every_flag_in_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR010BusyWaitCodeFix.EventKey };
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private bool _a;
                private bool _b;

                void M()
                {
                    Task.Run(() => { _a = true; _b = true; });
                    while ([|!_a|]) Thread.Sleep(1);
                    while ([|!_b|]) Thread.Sleep(1);
                    while ([|!_a|]) Thread.Sleep(2);
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private bool _c;

                void M()
                {
                    ThreadPool.QueueUserWorkItem(_ => _c = true);
                    while ([|!_c|]) Thread.Yield();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly ManualResetEventSlim _a = new ManualResetEventSlim();
                private readonly ManualResetEventSlim _b = new ManualResetEventSlim();

                void M()
                {
                    Task.Run(() => { _a.Set(); _b.Set(); });
                    _a.Wait();
                    _b.Wait();
                    _a.Wait();
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                private readonly ManualResetEventSlim _c = new ManualResetEventSlim();

                void M()
                {
                    ThreadPool.QueueUserWorkItem(_ => _c.Set());
                    _c.Wait();
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_marks_each_field_volatile_once()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR010BusyWaitCodeFix.VolatileKey };
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private int _a;
                private object _b;

                void M()
                {
                    Task.Run(() => { _a = 1; _b = new object(); });
                    while ([|_a == 0|]) { }
                    while ([|_a != 1|]) { }
                    while ([|_b == null|]) { }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private volatile int _a;
                private volatile object _b;

                void M()
                {
                    Task.Run(() => { _a = 1; _b = new object(); });
                    while (_a == 0) { }
                    while (_a != 1) { }
                    while (_b == null) { }
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_for_a_public_flag_polled_with_sleep()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            public class C
            {
                public bool Done;

                void M()
                {
                    Task.Run(() => Done = true);
                    while ([|!Done|]) Thread.Sleep(10);
                }
            }
            """);

    [Fact]
    public Task No_event_fix_when_the_flag_is_stored_from_a_computed_value()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private bool _done;

                void M()
                {
                    Task.Run(() => _done = DateTime.Now.Ticks > 0);
                    while ([|!_done|]) Thread.Sleep(10);
                }
            }
            """);

    [Fact]
    public Task No_event_fix_when_the_flag_is_passed_by_ref()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private bool _done;

                static void Set(ref bool flag) => flag = true;

                void M()
                {
                    Task.Run(() => _done = true);
                    Set(ref _done);
                    while ([|!_done|]) Thread.Sleep(10);
                }
            }
            """);

    [Theory]
    [InlineData("while (!) { }")]
    [InlineData("while (!_done) Thread.Sleep(")]
    [InlineData("do { } while (")]
    [InlineData("for (;;) { if (_done) break; Thread. }")]
    [InlineData("SpinWait.SpinUntil(() => , 10);")]
    [InlineData("SpinWait.SpinUntil(() => Missing);")]
    [InlineData("while (Missing.Done) Thread.Sleep(1); Task.Run(() => Missing.Done = true);")]
    [InlineData("while (true) { if (_done) break }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { bool _done; void M() { Task.Run(() => _done = true); " + body + " } }");
}
