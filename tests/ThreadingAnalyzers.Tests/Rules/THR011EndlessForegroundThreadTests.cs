using System.Threading.Tasks;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR011EndlessForegroundThreadAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR011EndlessForegroundThreadCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR011EndlessForegroundThreadTests
{
    private const string Usings = "using System; using System.Collections.Concurrent; using System.Threading;\n";

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Diagnostic(int location, string subject, string reason)
        => Verify.Diagnostic().WithLocation(location)
            .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations)
            .WithArguments(subject, reason);

    [Fact]
    public Task A_lambda_with_while_true_started_inline_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(BlockingCollection<string> queue)
                {
                    {|#0:new Thread(() =>
                    {
                        while (true)
                        {
                            Console.WriteLine(queue.Take());
                        }
                    })|}.Start();
                }
            }
            """,
            Diagnostic(0, "This thread", "'while (true)' has no break, return or throw"));

    [Fact]
    public Task A_method_group_with_for_ever_is_reported_with_the_variable_name()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var pump = {|#0:new Thread(Pump)|};
                    pump.Name = "pump";
                    pump.Start();
                }

                void Pump()
                {
                    for (;;)
                    {
                        Thread.Sleep(100);
                    }
                }
            }
            """,
            Diagnostic(0, "Thread 'pump'", "'for (;;)' has no break, return or throw"));

    [Fact]
    public Task A_flag_that_nothing_changes_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _stopped;

                void Local()
                {
                    var running = true;
                    {|#0:new Thread(() =>
                    {
                        while (running)
                        {
                            Thread.Sleep(10);
                        }
                    })|}.Start();
                }

                void Field()
                {
                    {|#1:new Thread(Loop)|}.Start();
                }

                void Loop()
                {
                    do
                    {
                        Thread.Sleep(10);
                    }
                    while (!_stopped);
                }
            }
            """,
            Diagnostic(0, "This thread", "nothing ever sets 'running' to false and the loop has no break, return or throw"),
            Diagnostic(1, "The thread running 'Loop'", "nothing ever sets '_stopped' to true and the loop has no break, return or throw"));

    [Fact]
    public Task A_lambda_calling_an_endless_method_and_a_local_function_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    [|new Thread(() => Serve(8080))|].Start();
                    [|new Thread(Spin)|].Start();

                    void Spin()
                    {
                        while (true) { }
                    }
                }

                void Serve(int port)
                {
                    Console.WriteLine(port);
                    Listen();
                }

                void Listen()
                {
                    do { Thread.Sleep(1); } while (true);
                }
            }
            """);

    [Fact]
    public async Task A_method_in_another_file_is_followed()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("Start.cs", Usings + "class C { void M() { [|new Thread(Worker.Pump)|].Start(); } }"));
        test.TestState.Sources.Add(("Worker.cs", Usings + "static class Worker { public static void Pump() { for (;;) { Thread.Sleep(10); } } }"));
        await test.RunAsync();
    }

    [Fact]
    public Task A_thread_in_a_private_field_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Server
            {
                private Thread _worker;

                public void Start()
                {
                    _worker = {|#0:new Thread(Run)|};
                    _worker.Start();
                }

                private void Run()
                {
                    while (true)
                    {
                        Thread.Sleep(1000);
                    }
                }
            }
            """,
            Diagnostic(0, "Thread '_worker'", "'while (true)' has no break, return or throw"));

    [Fact]
    public Task Breaks_that_leave_only_an_inner_loop_or_a_switch_do_not_end_the_loop()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(BlockingCollection<int> queue)
                {
                    [|new Thread(() =>
                    {
                        while (true)
                        {
                            switch (queue.Take())
                            {
                                case 0:
                                    break;
                            }

                            for (var i = 0; i < 3; i++)
                            {
                                if (i == 1) break;
                            }

                            try
                            {
                                Console.WriteLine("tick");
                            }
                            catch (Exception)
                            {
                                // swallowed: the loop goes on
                            }
                        }
                    })|].Start();
                }
            }
            """);

    [Fact]
    public Task IsBackground_set_to_false_is_still_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = [|new Thread(() => { while (true) { } })|];
                    t.IsBackground = false;
                    t.Start();
                }
            }
            """);

    [Fact]
    public Task Silent_for_background_threads()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread _pump;

                void Initializer() => new Thread(() => { while (true) { } }) { IsBackground = true }.Start();

                void Statement()
                {
                    var t = new Thread(() => { while (true) { } });
                    t.IsBackground = true;
                    t.Start();
                }

                void Field()
                {
                    _pump = new Thread(() => { while (true) { } });
                    Configure();
                    _pump.Start();
                }

                void Configure() => _pump.IsBackground = true;
            }
            """);

    [Fact]
    public Task Silent_for_loops_with_a_way_out()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(BlockingCollection<int> queue, CancellationToken token)
                {
                    new Thread(() => { while (true) { if (queue.Take() < 0) break; } }).Start();
                    new Thread(() => { while (true) { if (queue.Take() < 0) return; } }).Start();
                    new Thread(() => { while (true) { if (queue.Take() < 0) throw new InvalidOperationException(); } }).Start();
                    new Thread(() => { while (true) { token.ThrowIfCancellationRequested(); } }).Start();
                    new Thread(() => { while (true) { if (queue.Take() < 0) Environment.Exit(0); } }).Start();
                    new Thread(() => { for (;;) { if (queue.Take() < 0) goto done; } done: Console.WriteLine("done"); }).Start();
                    new Thread(() => { while (!token.IsCancellationRequested) { queue.Take(); } }).Start();
                    new Thread(() => { foreach (var item in queue.GetConsumingEnumerable()) { } }).Start();
                }
            }
            """);

    [Fact]
    public Task Silent_for_an_endless_loop_inside_try_catch_that_ends_it_on_an_exception()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(BlockingCollection<int> queue)
                {
                    new Thread(() =>
                    {
                        try
                        {
                            while (true)
                            {
                                queue.Take();
                            }
                        }
                        catch (InvalidOperationException)
                        {
                            // CompleteAdding was called
                        }
                    }).Start();
                }
            }
            """);

    [Fact]
    public Task Silent_when_something_changes_the_flag()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _running = true;

                public void Stop() => _running = false;

                void M()
                {
                    var running = true;
                    Console.CancelKeyPress += (s, e) => running = false;
                    new Thread(() => { while (running) { } }).Start();
                    new Thread(() => { while (_running) { } }).Start();
                }
            }
            """);

    [Fact]
    public Task Silent_for_threads_handed_elsewhere_never_started_or_async()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Register(Thread t) { }

                Thread Create() => new Thread(() => { while (true) { } });

                void M(ThreadStart body)
                {
                    var handed = new Thread(() => { while (true) { } });
                    Register(handed);
                    handed.Start();

                    var neverStarted = new Thread(() => { while (true) { } });

                    new Thread(async () => { while (true) { await System.Threading.Tasks.Task.Delay(10); } }).Start();
                    new Thread(body).Start();
                    new Thread(() => { Action later = () => { while (true) { } }; later.BeginInvoke(null, null); }).Start();
                }
            }
            """);

    [Fact]
    public Task Fix_sets_IsBackground_after_the_declaration()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M()
                {
                    // the pump
                    var pump = [|new Thread(Pump)|];
                    pump.Start();
                }

                void Pump()
                {
                    while (true) { Thread.Sleep(100); }
                }
            }
            """, Usings + """
            class C
            {
                void M()
                {
                    // the pump
                    var pump = new Thread(Pump);
                    pump.IsBackground = true;
                    pump.Start();
                }

                void Pump()
                {
                    while (true) { Thread.Sleep(100); }
                }
            }
            """);

    [Fact]
    public Task Fix_adds_an_initializer_to_an_inline_creation_and_extends_an_existing_one()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private Thread _worker;

                void M()
                {
                    [|new Thread(() => { while (true) { } })|].Start();
                    var named = [|new Thread(() => { while (true) { } }) { Name = "named" }|];
                    named.Start();
                    _worker = [|new Thread(() => { for (;;) { } })|];
                    _worker.Start();
                }
            }
            """, Usings + """
            class C
            {
                private Thread _worker;

                void M()
                {
                    new Thread(() => { while (true) { } }) { IsBackground = true }.Start();
                    var named = new Thread(() => { while (true) { } }) { Name = "named", IsBackground = true };
                    named.Start();
                    _worker = new Thread(() => { for (;;) { } });
                    _worker.IsBackground = true;
                    _worker.Start();
                }
            }
            """);

    [Fact]
    public Task Fix_stops_the_loop_on_a_token_parameter()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    void M(BlockingCollection<int> queue, CancellationToken cancellationToken)
                    {
                        [|new Thread(() =>
                        {
                            while (true)
                            {
                                Console.WriteLine(queue.Take());
                            }
                        })|].Start();
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    void M(BlockingCollection<int> queue, CancellationToken cancellationToken)
                    {
                        new Thread(() =>
                        {
                            while (!cancellationToken.IsCancellationRequested)
                            {
                                Console.WriteLine(queue.Take());
                            }
                        }).Start();
                    }
                }
                """,
            CodeActionEquivalenceKey = THR011EndlessForegroundThreadCodeFix.StopOnCancellationKey,
            CodeActionIndex = 1,
        }.RunAsync();

    [Fact]
    public Task Fix_stops_for_ever_and_flag_loops_on_a_token_source_field()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

                    void M()
                    {
                        var running = true;
                        [|new Thread(Pump)|].Start();
                        [|new Thread(() => { while (running) { } })|].Start();
                    }

                    void Pump()
                    {
                        for (;;)
                        {
                            Thread.Sleep(10);
                        }
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

                    void M()
                    {
                        var running = true;
                        new Thread(Pump).Start();
                        new Thread(() => { while (running && !_stop.IsCancellationRequested) { } }).Start();
                    }

                    void Pump()
                    {
                        for (; !_stop.IsCancellationRequested;)
                        {
                            Thread.Sleep(10);
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = THR011EndlessForegroundThreadCodeFix.StopOnCancellationKey,
            CodeActionIndex = 1,
        }.RunAsync();

    [Fact]
    public Task Only_the_background_fix_is_offered_without_a_token_in_scope()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    void M() => [|new Thread(() => { while (true) { } })|].Start();
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    void M() => [|new Thread(() => { while (true) { } })|].Start();
                }
                """,
            CodeActionEquivalenceKey = THR011EndlessForegroundThreadCodeFix.StopOnCancellationKey,
        }.RunAsync();

    [Fact]
    public Task No_background_fix_when_IsBackground_is_set_to_false_explicitly()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                void M()
                {
                    var t = [|new Thread(() => { while (true) { } })|];
                    t.IsBackground = false;
                    t.Start();
                }
            }
            """);

    [Fact]
    public Task Fix_all_makes_every_thread_in_the_document_background()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M()
                {
                    var a = [|new Thread(() => { while (true) { } })|];
                    var b = [|new Thread(() => { for (;;) { } })|];
                    a.Start();
                    b.Start();
                }
            }
            """, Usings + """
            class C
            {
                void M()
                {
                    var a = new Thread(() => { while (true) { } });
                    a.IsBackground = true;
                    var b = new Thread(() => { for (;;) { } });
                    b.IsBackground = true;
                    a.Start();
                    b.Start();
                }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { void M() { [|new Thread(() => { while (true) { } })|].Start(); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { void M() { [|new Thread(() => { for (;;) { } })|].Start(); } }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { void M() { new Thread(() => { while (true) { } }) { IsBackground = true }.Start(); } }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { void M() { new Thread(() => { for (;;) { } }) { IsBackground = true }.Start(); } }"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("new Thread(() => { while (true) { } ).Start();")]
    [InlineData("new Thread(() => { while ( { } }).Start();")]
    [InlineData("new Thread(Unknown).Start(); new Thread(() => { for (;;) }")]
    [InlineData("var t = new Thread(; t.IsBackground = ; t.Start();")]
    [InlineData("new Thread(() => { while (flag) { } }).Start();")]
    [InlineData("new Thread(() => { goto missing; while (true) { } }).Start();")]
    [InlineData("Thread t = new(() => { while (true) { } }); t.Start(); new()")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M() { " + body + " } }");
}
