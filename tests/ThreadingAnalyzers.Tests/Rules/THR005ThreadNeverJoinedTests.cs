using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR005ThreadNeverJoinedAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR005ThreadNeverJoinedCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR005ThreadNeverJoinedTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        """;

    private static DiagnosticResult Warning(int location, string subject, string reason)
        => Verify.Diagnostic().WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments(subject, reason);

    private static DiagnosticResult Suggestion(int location, string subject)
        => Verify.Diagnostic().WithLocation(location).WithSeverity(DiagnosticSeverity.Info)
            .WithArguments(subject, "nothing waits for it before the method returns");

    [Fact]
    public Task A_result_read_before_the_thread_is_joined_is_a_warning()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int Compute() => 42;

                void M()
                {
                    var result = 0;
                    var worker = new Thread(() => { result = Compute(); });
                    {|#0:worker.Start()|};
                    Console.WriteLine(result);
                }
            }
            """,
            Warning(0, "Thread 'worker'", "'result' is read while the thread that writes it may still be running"));

    [Fact]
    public Task Returning_an_array_the_thread_fills_is_a_warning()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int[] M()
                {
                    var results = new int[2];
                    var worker = new Thread(() => results[0] = 1);
                    {|#0:worker.Start()|};
                    return results;
                }
            }
            """,
            Warning(0, "Thread 'worker'", "'results' is read while the thread that writes it may still be running"));

    [Fact]
    public Task A_field_written_by_a_method_the_thread_calls_is_followed()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Counter
            {
                private int _total;

                void Add(int n) => _total += n;

                void Work()
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        Add(i);
                    }
                }

                void M()
                {
                    {|#0:new Thread(Work).Start()|};
                    Console.WriteLine("Both threads have finished! Total: " + _total);
                }
            }
            """,
            Warning(0, "The thread running 'Work'", "'_total' is read while the thread that writes it may still be running"));

    [Fact]
    public Task A_join_on_one_branch_only_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                string M(bool wait)
                {
                    var text = "";
                    var t = new Thread(() => text = "done");
                    [|t.Start()|];
                    if (wait)
                    {
                        t.Join();
                    }

                    return text;
                }
            }
            """);

    [Fact]
    public Task Threads_started_in_a_loop_and_kept_nowhere_are_a_warning()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Work(object? item) { }

                void Local(string[] items)
                {
                    foreach (var item in items)
                    {
                        var t = new Thread(Work);
                        {|#0:t.Start(item)|};
                    }
                }

                void Inline(string[] items)
                {
                    for (var i = 0; i < items.Length; i++)
                    {
                        {|#1:new Thread(() => Work(null)).Start()|};
                    }
                }

                void OnlyTheLastIsJoined(string[] items)
                {
                    Thread? last = null;
                    foreach (var item in items)
                    {
                        last = new Thread(Work);
                        {|#2:last.Start(item)|};
                    }

                    last?.Join();
                }
            }
            """,
            Warning(0, "Thread 't'", "a new one is started on each pass of the loop and kept nowhere, so nothing can wait for them to finish"),
            Warning(1, "The thread", "a new one is started on each pass of the loop and kept nowhere, so nothing can wait for them to finish"),
            Warning(2, "Thread 'last'", "a new one is started on each pass of the loop and kept nowhere, so nothing can wait for them to finish"));

    [Fact]
    public Task Any_other_unjoined_foreground_thread_is_a_suggestion()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Work() { }

                static void Main()
                {
                    var first = new Thread(() => Console.WriteLine("first"));
                    var second = new Thread(() => Console.WriteLine("second"));
                    {|#0:first.Start()|};
                    {|#1:second.Start()|};
                    Console.WriteLine("Both threads have finished!");
                }

                void Inline() => {|#2:new Thread(Work).Start()|};
            }
            """,
            Suggestion(0, "Thread 'first'"),
            Suggestion(1, "Thread 'second'"),
            Suggestion(2, "The thread running 'Work'"));

    [Fact]
    public Task Silent_for_background_fire_and_forget_workers()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var result = 0;
                    new Thread(() => result = 1) { IsBackground = true }.Start();
                    var t = new Thread(() => result = 2);
                    t.IsBackground = true;
                    t.Start();
                    Console.WriteLine(result);
                }
            }
            """);

    [Fact]
    public Task Silent_for_threads_joined_on_every_path()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int Joined()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    t.Join();
                    return result;
                }

                int JoinedInFinally()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    try
                    {
                        t.Start();
                        if (result > 0) return -1;
                    }
                    finally
                    {
                        t.Join();
                    }

                    return result;
                }

                int StartedBeforeATryJoinedInItsFinally(bool fail)
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    try
                    {
                        if (fail) throw new InvalidOperationException();
                        return result;
                    }
                    catch (InvalidOperationException)
                    {
                        return -1;
                    }
                    finally
                    {
                        t.Join();
                    }
                }

                int JoinedWithATimeoutInALoop()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    while (!t.Join(100))
                    {
                        Console.WriteLine("still working");
                    }

                    return result;
                }

                int PolledUntilDead()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    while (t.IsAlive)
                    {
                        Thread.Sleep(10);
                    }

                    return result;
                }
            }
            """);

    [Fact]
    public Task Silent_for_threads_kept_where_someone_else_can_join_them()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread? _worker;
                private readonly List<Thread> _all = new List<Thread>();

                void Work() { }

                void Register(Thread t) { }

                void InAList(string[] items)
                {
                    var threads = new List<Thread>();
                    foreach (var item in items)
                    {
                        var t = new Thread(Work);
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads) t.Join();
                }

                void InAField()
                {
                    _worker = new Thread(Work);
                    _worker.Start();
                    var local = new Thread(Work);
                    _all.Add(local);
                    local.Start();
                }

                Thread Returned()
                {
                    var t = new Thread(Work);
                    t.Start();
                    return t;
                }

                void Passed()
                {
                    var t = new Thread(Work);
                    t.Start();
                    Register(t);
                }

                void Captured(Action<Action> later)
                {
                    var t = new Thread(Work);
                    t.Start();
                    later(() => t.Join());
                }

                void Given(Thread t) => t.Start();
            }
            """);

    [Fact]
    public Task Silent_when_the_method_waits_for_the_thread_by_other_means()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private bool _done;

                int Event()
                {
                    var result = 0;
                    using var done = new ManualResetEventSlim();
                    new Thread(() => { result = 1; done.Set(); }).Start();
                    done.Wait();
                    return result;
                }

                void CountedDown(int count)
                {
                    using var allDone = new CountdownEvent(count);
                    Action work = () => allDone.Signal();
                    for (var i = 0; i < count; i++)
                    {
                        new Thread(work.Invoke).Start();
                    }

                    allDone.Wait();
                }

                System.Threading.Tasks.Task Completion()
                {
                    var completion = new System.Threading.Tasks.TaskCompletionSource();
                    new Thread(() => completion.SetResult()).Start();
                    return completion.Task;
                }

                int Flag()
                {
                    var result = 0;
                    new Thread(() => { result = 1; _done = true; }).Start();
                    while (!_done)
                    {
                        Thread.Sleep(1);
                    }

                    return result;
                }
            }
            """);

    [Fact]
    public Task Silent_for_endless_threads_methods_that_never_return_and_starts_in_lambdas()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                public event EventHandler? Clicked;

                void Endless()
                {
                    var pump = new Thread(() => { while (true) { Thread.Sleep(100); } });
                    pump.Start();
                }

                void Serve(Func<string> accept)
                {
                    while (true)
                    {
                        var request = accept();
                        var t = new Thread(() => Console.WriteLine(request));
                        t.Start();
                    }
                }

                void Subscribe()
                {
                    Clicked += (s, e) => new Thread(() => Console.WriteLine("clicked")).Start();
                }
            }
            """);

    [Fact]
    public Task Fix_joins_before_the_first_read_of_the_result()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                int Compute() => 42;

                void M()
                {
                    var result = 0;
                    var worker = new Thread(() => { result = Compute(); });
                    [|worker.Start()|];
                    Console.WriteLine("working");

                    // show the result
                    Console.WriteLine(result);
                }
            }
            """, Usings + """
            class C
            {
                int Compute() => 42;

                void M()
                {
                    var result = 0;
                    var worker = new Thread(() => { result = Compute(); });
                    worker.Start();
                    Console.WriteLine("working");
                    worker.Join();

                    // show the result
                    Console.WriteLine(result);
                }
            }
            """);

    [Fact]
    public Task Fix_joins_before_the_end_of_the_method()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Work() { }

                void Append()
                {
                    var t = new Thread(Work);
                    {|#0:t.Start()|};
                    Console.WriteLine("started");
                }

                int BeforeReturn()
                {
                    var t = new Thread(Work);
                    {|#1:t.Start()|};
                    return 1;
                }
            }
            """,
            new[] { Suggestion(0, "Thread 't'"), Suggestion(1, "Thread 't'") },
            Usings + """
            class C
            {
                void Work() { }

                void Append()
                {
                    var t = new Thread(Work);
                    t.Start();
                    Console.WriteLine("started");
                    t.Join();
                }

                int BeforeReturn()
                {
                    var t = new Thread(Work);
                    t.Start();
                    t.Join();
                    return 1;
                }
            }
            """);

    [Fact]
    public Task Fix_gives_an_inline_thread_a_local_to_join()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private int _total;

                void Work() => _total++;

                void M()
                {
                    // count in the background
                    [|new Thread(Work).Start()|];
                    Console.WriteLine(_total);
                }
            }
            """, Usings + """
            class C
            {
                private int _total;

                void Work() => _total++;

                void M()
                {
                    // count in the background
                    var thread = new Thread(Work);
                    thread.Start();
                    thread.Join();
                    Console.WriteLine(_total);
                }
            }
            """);

    [Fact]
    public Task Fix_collects_the_threads_of_a_loop_and_joins_them_after_it()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Work(object? item) { }

                void Local(string[] items)
                {
                    foreach (var item in items)
                    {
                        var t = new Thread(Work);
                        [|t.Start(item)|];
                    }

                    Console.WriteLine("done");
                }

                void Inline(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        [|new Thread(() => Work(null)).Start()|];
                    }
                }
            }
            """, Usings + """
            class C
            {
                void Work(object? item) { }

                void Local(string[] items)
                {
                    var threads = new List<Thread>();
                    foreach (var item in items)
                    {
                        var t = new Thread(Work);
                        t.Start(item);
                        threads.Add(t);
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }

                    Console.WriteLine("done");
                }

                void Inline(int count)
                {
                    var threads = new List<Thread>();
                    for (var i = 0; i < count; i++)
                    {
                        var thread = new Thread(() => Work(null));
                        thread.Start();
                        threads.Add(thread);
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_adds_the_generic_collections_using_when_missing()
        => Verify.VerifyCodeFixAsync("""
            using System.Threading;

            class C
            {
                void M(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        [|new Thread(() => { }).Start()|];
                    }
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Threading;

            class C
            {
                void M(int count)
                {
                    var threads = new List<Thread>();
                    for (var i = 0; i < count; i++)
                    {
                        var thread = new Thread(() => { });
                        thread.Start();
                        threads.Add(thread);
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_joins_at_the_end_of_top_level_statements()
    {
        var test = new Verify.Test
        {
            TestCode = Usings + """
                var total = 0;
                var worker = new Thread(() => total = 42);
                [|worker.Start()|];
                Console.WriteLine("started");
                Console.WriteLine(total);
                """,
            FixedCode = Usings + """
                var total = 0;
                var worker = new Thread(() => total = 42);
                worker.Start();
                Console.WriteLine("started");
                worker.Join();
                Console.WriteLine(total);
                """,
        };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_an_early_return_follows_the_start_or_the_start_is_expression_bodied()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                void Work() { }

                void EarlyReturn(bool stop)
                {
                    var t = new Thread(Work);
                    {|#0:t.Start()|};
                    if (stop)
                    {
                        return;
                    }

                    Console.WriteLine("more");
                }

                void ExpressionBodied() => {|#1:new Thread(Work).Start()|};
            }
            """,
            Suggestion(0, "Thread 't'"),
            Suggestion(1, "The thread running 'Work'"));

    [Fact]
    public Task Fix_joins_before_the_statement_beside_the_start_that_holds_the_read()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void EmbeddedRead(bool show)
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    {|#0:t.Start()|};
                    if (show) Console.WriteLine(result);
                }

                void ReadInLoop()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    {|#1:t.Start()|};
                    for (var i = 0; i < 3; i++)
                    {
                        Console.WriteLine(result);
                    }
                }
            }
            """,
            new[]
            {
                Warning(0, "Thread 't'", "'result' is read while the thread that writes it may still be running"),
                Warning(1, "Thread 't'", "'result' is read while the thread that writes it may still be running"),
            },
            Usings + """
            class C
            {
                void EmbeddedRead(bool show)
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    t.Join();
                    if (show) Console.WriteLine(result);
                }

                void ReadInLoop()
                {
                    var result = 0;
                    var t = new Thread(() => result = 1);
                    t.Start();
                    t.Join();
                    for (var i = 0; i < 3; i++)
                    {
                        Console.WriteLine(result);
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_when_the_method_spins_on_the_flag_the_thread_sets_in_a_loop_exit_test()
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
                        if (_done)
                        {
                            break;
                        }

                        Thread.Sleep(1);
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_all_joins_every_thread_before_the_shared_read()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void M()
                {
                    int a = 0, b = 0;
                    var first = new Thread(() => a = 1);
                    var second = new Thread(() => b = 2);
                    [|first.Start()|];
                    [|second.Start()|];
                    Console.WriteLine(a + b);
                }
            }
            """, Usings + """
            class C
            {
                void M()
                {
                    int a = 0, b = 0;
                    var first = new Thread(() => a = 1);
                    var second = new Thread(() => b = 2);
                    first.Start();
                    second.Start();
                    first.Join();
                    second.Join();
                    Console.WriteLine(a + b);
                }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        foreach (var name in new[] { "A", "B" })
        {
            test.TestState.Sources.Add((name + ".cs", Usings + "class " + name + """

                {
                    int M()
                    {
                        var result = 0;
                        var t = new Thread(() => result = 1);
                        [|t.Start()|];
                        return result;
                    }
                }
                """));
            test.FixedState.Sources.Add((name + ".cs", Usings + "class " + name + """

                {
                    int M()
                    {
                        var result = 0;
                        var t = new Thread(() => result = 1);
                        t.Start();
                        t.Join();
                        return result;
                    }
                }
                """));
        }

        await test.RunAsync();
    }

    [Theory]
    [InlineData("var t = new Thread(() => { }); t.Start(")]
    [InlineData("var t = new Thread(; t.Start();")]
    [InlineData("Thread t; t.Start(); t.Join(")]
    [InlineData("var r = 0; var t = new Thread(() => r = ); t.Start(); Console.WriteLine(r);")]
    [InlineData("foreach (var x in Unknown) { new Thread(Missing).Start(); }")]
    [InlineData("var t = new Thread(() => { }); t.Start(); while (t.IsAlive")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M() { " + body + " } }");
}
