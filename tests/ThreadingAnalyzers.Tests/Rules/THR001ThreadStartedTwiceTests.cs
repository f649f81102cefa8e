using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR001ThreadStartedTwiceAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR001ThreadStartedTwiceCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR001ThreadStartedTwiceTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    [Fact]
    public Task Two_starts_in_sequence_are_reported_with_the_variable_name()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var worker = new Thread(() => { });
                    worker.Start();
                    {|#0:worker.Start()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("Thread 'worker'", "an earlier Start() of the same thread reaches this call"));

    [Fact]
    public Task A_start_after_join_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    [|t.Start()|];
                }
            }
            """);

    [Fact]
    public Task A_start_in_a_loop_on_a_thread_created_outside_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    for (var i = 0; i < 3; i++)
                    {
                        {|#0:t.Start()|};
                        t.Join();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("Thread 't'", "the previous pass of the loop started it"));

    [Theory]
    [InlineData("while (Console.ReadLine() != null) { [|t.Start()|]; }")]
    [InlineData("do { [|t.Start()|]; } while (Console.ReadLine() != null);")]
    [InlineData("foreach (var line in new[] { 1, 2 }) { [|t.Start()|]; }")]
    public Task A_start_in_every_kind_of_loop_is_reported(string loop)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    {{loop}}
                }
            }
            """);

    [Fact]
    public Task A_parameter_started_twice_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Thread t)
                {
                    t.Start();
                    [|t.Start()|];
                }
            }
            """);

    [Fact]
    public Task A_field_started_twice_in_one_method_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread _worker = new Thread(() => { });

                void M()
                {
                    _worker.Start();
                    _worker.Join();
                    [|this._worker.Start()|];
                }
            }
            """);

    [Fact]
    public Task A_start_guarded_by_a_check_that_says_the_thread_already_ran_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    if (!t.IsAlive)
                    {
                        [|t.Start()|];
                    }

                    if ((t.ThreadState & ThreadState.Stopped) != 0)
                    {
                        [|t.Start()|];
                    }
                }
            }
            """);

    [Fact]
    public Task A_start_in_an_event_handler_on_a_captured_thread_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                public event EventHandler Clicked;

                void M()
                {
                    var t = new Thread(() => { });
                    Clicked += (s, e) => {|#0:t.Start()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("Thread 't'", "this event handler runs again on every raise and the thread is not replaced"));

    [Fact]
    public Task A_start_in_a_periodic_timer_callback_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread _worker = new Thread(() => { });

                void M()
                {
                    var timer = new Timer(_ => [|_worker.Start()|], null, 0, 1000);
                }
            }
            """);

    [Fact]
    public Task A_start_in_a_local_function_called_twice_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    Run();
                    Run();

                    void Run() => [|t.Start()|];
                }
            }
            """);

    [Fact]
    public Task Threads_of_an_array_started_again_on_each_pass_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var workers = new Thread[4];
                    for (var i = 0; i < workers.Length; i++)
                    {
                        workers[i] = new Thread(() => { });
                    }

                    for (var pass = 0; pass < 3; pass++)
                    {
                        foreach (var w in workers)
                        {
                            {|#0:w.Start()|};
                        }

                        foreach (var w in workers)
                        {
                            w.Join();
                        }
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("The threads in 'workers'", "an enclosing loop runs this again and nothing replaces the threads between passes"));

    [Fact]
    public Task Threads_of_a_list_started_by_two_loops_in_sequence_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(List<Thread> workers)
                {
                    for (var i = 0; i < workers.Count; i++)
                    {
                        workers[i].Start();
                    }

                    foreach (var w in workers)
                    {
                        w.Join();
                    }

                    for (var i = 0; i < workers.Count; i++)
                    {
                        [|workers[i].Start()|];
                    }
                }
            }
            """);

    [Fact]
    public Task An_element_with_a_constant_index_started_twice_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Thread[] workers)
                {
                    workers[0].Start();
                    workers[1].Start();
                    [|workers[0].Start()|];
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_new_thread_created_in_each_iteration()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var t = new Thread(() => { });
                        t.Start();
                        t.Join();
                    }

                    Thread u;
                    while (Console.ReadLine() != null)
                    {
                        u = new Thread(() => { });
                        u.Start();
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_variable_is_reassigned_before_the_second_start()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    t = new Thread(() => { });
                    t.Start();

                    var v = new Thread(() => { });
                    for (var i = 0; i < 3; i++)
                    {
                        v.Start();
                        v.Join();
                        v = new Thread(() => { });
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_two_different_variables()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var a = new Thread(() => { });
                    var b = new Thread(() => { });
                    a.Start();
                    b.Start();
                    a.Join();
                    b.Join();
                }
            }
            """);

    [Fact]
    public Task Silent_for_starts_in_mutually_exclusive_branches()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(bool fast, int mode)
                {
                    var t = new Thread(() => { });
                    if (fast)
                    {
                        t.Start();
                    }
                    else
                    {
                        t.Start();
                    }

                    var u = new Thread(() => { });
                    switch (mode)
                    {
                        case 1:
                            u.Start();
                            break;
                        case 2:
                            u.Start();
                            break;
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_start_guarded_by_thread_state_unstarted()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    for (var i = 0; i < 3; i++)
                    {
                        if (t.ThreadState == ThreadState.Unstarted)
                        {
                            t.Start();
                        }
                    }

                    var u = new Thread(() => { });
                    u.Start();
                    if ((u.ThreadState & ThreadState.Unstarted) != 0)
                    {
                        u.Start();
                    }

                    if (u.ThreadState != ThreadState.Unstarted)
                    {
                        return;
                    }

                    u.Start();
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_start_guarded_by_a_flag_set_at_the_first_start()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _started;
                private int _once;
                private readonly Thread _worker = new Thread(() => { });

                public event EventHandler Clicked;

                void M()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        if (!_started)
                        {
                            _started = true;
                            _worker.Start();
                        }
                    }

                    Clicked += (s, e) =>
                    {
                        if (Interlocked.Exchange(ref _once, 1) == 0)
                        {
                            _worker.Start();
                        }
                    };
                }

                void N()
                {
                    var t = new Thread(() => { });
                    var started = false;
                    while (Console.ReadLine() != null)
                    {
                        if (started) continue;
                        started = true;
                        t.Start();
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_field_started_once_in_one_method()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Thread _worker = new Thread(() => { });

                public void Open() => _worker.Start();

                public void Close() => _worker.Join();

                void OnClick(object sender, EventArgs e) => _worker.Start();
            }
            """);

    [Fact]
    public Task Silent_when_a_call_to_the_same_type_may_replace_the_field()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread _worker = new Thread(() => { });

                void M()
                {
                    _worker.Start();
                    _worker.Join();
                    Reset();
                    _worker.Start();
                }

                void Reset() => _worker = new Thread(() => { });
            }
            """);

    [Fact]
    public Task Silent_for_handlers_and_callbacks_that_create_their_thread_or_run_once()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                public event EventHandler Clicked;
                private Thread _worker;

                void M()
                {
                    Clicked += (s, e) =>
                    {
                        _worker = new Thread(() => { });
                        _worker.Start();
                    };

                    var t = new Thread(() => { });
                    var oneShot = new Timer(_ => t.Start(), null, 100, Timeout.Infinite);
                    Run();

                    void Run() => t.Start();
                }
            }
            """);

    [Fact]
    public Task Silent_for_starting_all_threads_of_a_collection_once()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(int count)
                {
                    var workers = new List<Thread>();
                    for (var i = 0; i < count; i++)
                    {
                        workers.Add(new Thread(() => { }));
                    }

                    foreach (var w in workers)
                    {
                        w.Start();
                    }

                    for (var i = 0; i < workers.Count; i++)
                    {
                        workers[i].Join();
                    }

                    for (var pass = 0; pass < 3; pass++)
                    {
                        var batch = new Thread[2];
                        for (var i = 0; i < batch.Length; i++)
                        {
                            batch[i] = new Thread(() => { });
                        }

                        foreach (var w in batch)
                        {
                            w.Start();
                        }
                    }

                    workers.Clear();
                    workers.Add(new Thread(() => { }));
                    foreach (var w in workers)
                    {
                        w.Start();
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_other_types_with_a_start_method()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Diagnostics;
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    var watch = new Stopwatch();
                    watch.Start();
                    watch.Start();
                    var task = new Task(() => { });
                    task.Start();
                }
            }
            """);

    [Fact]
    public Task Fix_creates_a_fresh_thread_before_the_repeated_start()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                static void Work() { }

                void M()
                {
                    var worker = new Thread(Work) { Name = "worker" };
                    worker.IsBackground = true;
                    worker.Start();
                    worker.Join();
                    [|worker.Start()|];
                    worker.Join();
                }
            }
            """, Usings + """
            class C
            {
                static void Work() { }

                void M()
                {
                    var worker = new Thread(Work) { Name = "worker" };
                    worker.IsBackground = true;
                    worker.Start();
                    worker.Join();
                    worker = new Thread(Work) { Name = "worker" };
                    worker.IsBackground = true;
                    worker.Start();
                    worker.Join();
                }
            }
            """);

    [Fact]
    public Task Fix_creates_the_thread_inside_the_loop()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M(int n)
                {
                    var t = new Thread(() => Console.WriteLine(n));
                    for (var i = 0; i < 3; i++)
                    {
                        // run it once more
                        [|t.Start()|];
                        t.Join();
                    }
                }
            }
            """, Usings + """
            class C
            {
                void M(int n)
                {
                    var t = new Thread(() => Console.WriteLine(n));
                    for (var i = 0; i < 3; i++)
                    {
                        // run it once more
                        t = new Thread(() => Console.WriteLine(n));
                        t.Start();
                        t.Join();
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_wraps_an_embedded_start_in_a_block()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M(bool again)
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    if (again)
                        [|t.Start()|];
                }
            }
            """, Usings + """
            class C
            {
                void M(bool again)
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Join();
                    if (again)
                    {
                        t = new Thread(() => { });
                        t.Start();
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_all_fixes_every_repeated_start_in_the_document()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    [|t.Start()|];
                    [|t.Start()|];
                }

                void N()
                {
                    var u = new Thread(() => { });
                    while (Console.ReadLine() != null)
                    {
                        [|u.Start()|];
                    }
                }
            }
            """, Usings + """
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t = new Thread(() => { });
                    t.Start();
                    t = new Thread(() => { });
                    t.Start();
                }

                void N()
                {
                    var u = new Thread(() => { });
                    while (Console.ReadLine() != null)
                    {
                        u = new Thread(() => { });
                        u.Start();
                    }
                }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { void M() { var t = new Thread(() => { }); t.Start(); [|t.Start()|]; } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { void M() { var t = new Thread(() => { }); t.Start(); [|t.Start()|]; } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { void M() { var t = new Thread(() => { }); t.Start(); t = new Thread(() => { }); t.Start(); } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { void M() { var t = new Thread(() => { }); t.Start(); t = new Thread(() => { }); t.Start(); } }"));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_the_thread_was_not_created_in_the_method()
        => Verify.VerifyNoCodeFixAsync(Usings + """
                class C
                {
                    void M(Thread t)
                    {
                        t.Start();
                        [|t.Start()|];
                    }

                    void N(Thread[] ts)
                    {
                        ts[0].Start();
                        [|ts[0].Start()|];
                    }
                }
                """);

    [Fact]
    public Task No_fix_when_the_constructor_arguments_are_out_of_scope_at_the_restart()
        => Verify.VerifyNoCodeFixAsync(Usings + """
                class C
                {
                    void M()
                    {
                        Thread t;
                        {
                            var message = "hi";
                            t = new Thread(() => Console.WriteLine(message));
                        }

                        t.Start();
                        [|t.Start()|];
                    }
                }
                """);

    [Theory]
    [InlineData("var t = new Thread(() => { }); t.Start(); t.Start(")]
    [InlineData("var t = new Thread(; t.Start(); t.Start();")]
    [InlineData("Thread t = null; t.Start(); t.Start(); }")]
    [InlineData("var t = new Thread(() => { t.Start(); t.Start(); ")]
    [InlineData("foreach (var t in Unknown) { t.Start(); t.Start(); }")]
    [InlineData("var t = new Thread(() => { }); for (;;) { t.Start()")]
    [InlineData("Undefined.Start(); x.Start(); this.Start(); Start();")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M() { " + body + " } }");
}
