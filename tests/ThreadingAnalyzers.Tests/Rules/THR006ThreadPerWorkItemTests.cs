using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR006ThreadPerWorkItemAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR006ThreadPerWorkItemCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR006ThreadPerWorkItemTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Sockets;
        using System.Threading;

        """;

    private const string UsingsWithTasks = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diagnostic(int location, string what)
        => Verify.Diagnostic().WithLocation(location).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments(what);

    [Fact]
    public Task A_thread_per_element_of_a_foreach_is_reported_as_a_suggestion()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Download(string url) { }

                void M(List<string> urls)
                {
                    foreach (var url in urls)
                    {
                        {|#0:new Thread(() => Download(url))|}.Start();
                    }
                }
            }
            """,
            Diagnostic(0, "item of 'urls'").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task A_thread_per_index_of_a_collection_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Process(string file) { }

                void M(string[] files, List<string> names)
                {
                    for (var i = 0; i < names.Count; i++)
                    {
                        var name = names[i];
                        {|#0:new Thread(() => Process(name))|}.Start();
                    }

                    var count = files.Length;
                    for (var i = 0; i < count; i++)
                    {
                        var file = files[i];
                        {|#1:new Thread(() => Process(file))|}.Start();
                    }
                }
            }
            """,
            Diagnostic(0, "index of 'names'"),
            Diagnostic(1, "index of 'files'"));

    [Fact]
    public Task A_thread_per_accepted_connection_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Handle(TcpClient client) { }

                void Serve(TcpListener listener)
                {
                    while (true)
                    {
                        var client = listener.AcceptTcpClient();
                        {|#0:new Thread(() => Handle(client))|}.Start();
                    }
                }

                void Poll(Func<TcpClient?> next)
                {
                    TcpClient? client;
                    do
                    {
                        client = next();
                        var current = client;
                        {|#1:new Thread(() => Handle(current!))|}.Start();
                    }
                    while (client != null);

                    for (;;)
                    {
                        var polled = next();
                        {|#2:new Thread(() => Handle(polled!))|}.Start();
                    }
                }
            }
            """,
            Diagnostic(0, "pass of the while loop"),
            Diagnostic(1, "pass of the do loop"),
            Diagnostic(2, "pass of the for (;;) loop"));

    [Fact]
    public Task A_counted_loop_with_more_iterations_than_a_worker_pool_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        var n = i;
                        {|#0:new Thread(() => Console.WriteLine(n))|}.Start();
                    }

                    foreach (var i in Enumerable.Range(0, 65))
                    {
                        {|#1:new Thread(() => Console.WriteLine(i))|}.Start();
                    }
                }
            }
            """,
            Diagnostic(0, "of the 1000 iterations"),
            Diagnostic(1, "of the 65 iterations"));

    [Fact]
    public Task Threads_collected_and_joined_after_the_loop_and_nested_count_loops_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Download(string url) { }

                void M(string[] urls)
                {
                    var threads = new List<Thread>();
                    foreach (var url in urls)
                    {
                        for (var attempt = 0; attempt < 2; attempt++)
                        {
                            var t = [|new Thread(() => Download(url))|];
                            threads.Add(t);
                            t.Start();
                        }
                    }

                    foreach (var t in threads)
                    {
                        t.Join();
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_a_fixed_set_of_workers()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Concurrent;

            class C
            {
                private readonly int _workerCount = 4;

                void Work(BlockingCollection<string> queue)
                {
                    foreach (var item in queue.GetConsumingEnumerable()) { }
                }

                void M(BlockingCollection<string> queue, int workers)
                {
                    for (var i = 0; i < 4; i++)
                    {
                        new Thread(() => Work(queue)).Start();
                    }

                    for (var i = 0; i < Environment.ProcessorCount; i++)
                    {
                        new Thread(() => Work(queue)).Start();
                    }

                    for (var i = 0; i < workers; i++)
                    {
                        new Thread(() => Work(queue)).Start();
                    }

                    for (var i = 0; i < _workerCount; i++)
                    {
                        new Thread(() => Work(queue)).Start();
                    }

                    foreach (var i in Enumerable.Range(0, 64))
                    {
                        new Thread(() => Work(queue)).Start();
                    }

                    var pool = new Thread[8];
                    for (var i = 0; i < pool.Length; i++)
                    {
                        pool[i] = new Thread(() => Work(queue));
                    }

                    var started = 0;
                    while (started < workers)
                    {
                        new Thread(() => Work(queue)).Start();
                        started++;
                    }
                }
            }
            """);

    [Fact]
    public Task Silent_for_threads_outside_loops_and_in_lambdas_defined_in_a_loop()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(List<string> urls)
                {
                    var single = new Thread(() => Console.WriteLine("one"));
                    single.Start();

                    var factories = new List<Func<Thread>>();
                    foreach (var url in urls)
                    {
                        factories.Add(() => new Thread(() => Console.WriteLine(url)));
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_rewrites_start_all_then_join_all_to_Parallel_ForEach()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Download(string url) { }

                void M(string[] urls)
                {
                    var threads = new List<Thread>();
                    // one download per url
                    foreach (var url in urls)
                    {
                        var t = [|new Thread(() =>
                        {
                            Download(url);
                            Console.WriteLine(url);
                        })|];
                        t.Name = url;
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads)
                    {
                        t.Join();
                    }

                    Console.WriteLine("done");
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Download(string url) { }

                void M(string[] urls)
                {
                    // one download per url
                    Parallel.ForEach(urls, url =>
                    {
                        Download(url);
                        Console.WriteLine(url);
                    });

                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task Fix_rewrites_an_index_loop_with_a_start_loop_to_Parallel_For()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Process(string item) { }

                void M(string[] items)
                {
                    var threads = new Thread[items.Length];
                    for (int i = 0; i < items.Length; i++)
                    {
                        int index = i;
                        threads[i] = [|new Thread(() => Process(items[index]))|];
                    }

                    foreach (var t in threads) t.Start();
                    for (var j = 0; j < threads.Length; j++) threads[j].Join();
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Process(string item) { }

                void M(string[] items)
                {
                    Parallel.For(0, items.Length, i =>
                    {
                        int index = i;
                        Process(items[index]);
                    });
                }
            }
            """);

    [Fact]
    public Task Fix_calls_a_parameterized_method_with_its_item_in_Parallel_ForEach()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Process(object file) { }

                void M(List<string> files)
                {
                    var workers = new List<Thread>();
                    foreach (var file in files)
                    {
                        var worker = [|new Thread(Process) { IsBackground = true }|];
                        worker.Start(file);
                        workers.Add(worker);
                    }

                    workers.ForEach(w => w.Join());
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Process(object file) { }

                void M(List<string> files)
                {
                    Parallel.ForEach(files, file => Process(file));
                }
            }
            """);

    [Fact]
    public Task Fix_runs_each_accepted_connection_with_Task_Run()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Handle(TcpClient client) { }

                void Serve(TcpListener listener)
                {
                    while (true)
                    {
                        var client = listener.AcceptTcpClient();
                        // one handler per connection
                        var handler = [|new Thread(() => Handle(client))|];
                        handler.IsBackground = true;
                        handler.Start();
                    }
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Handle(TcpClient client) { }

                void Serve(TcpListener listener)
                {
                    while (true)
                    {
                        var client = listener.AcceptTcpClient();
                        // one handler per connection
                        Task.Run(() => Handle(client));
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_discards_the_task_in_an_async_method()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Handle(string line) { }

                async System.Threading.Tasks.Task Serve(System.IO.TextReader reader)
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync()) != null)
                    {
                        var current = line;
                        [|new Thread(() => Handle(current))|].Start();
                    }
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Handle(string line) { }

                async System.Threading.Tasks.Task Serve(System.IO.TextReader reader)
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync()) != null)
                    {
                        var current = line;
                        _ = Task.Run(() => Handle(current));
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_queues_a_parameterized_thread_with_its_argument_on_the_pool()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    void Handle(object? client) { }

                    void Serve(TcpListener listener)
                    {
                        while (true)
                        {
                            [|new Thread(Handle)|].Start(listener.AcceptTcpClient());
                        }
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    void Handle(object? client) { }

                    void Serve(TcpListener listener)
                    {
                        while (true)
                        {
                            ThreadPool.QueueUserWorkItem(Handle, listener.AcceptTcpClient());
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = THR006ThreadPerWorkItemCodeFix.UseThreadPoolKey,
        }.RunAsync();

    [Fact]
    public Task No_Task_Run_when_the_start_argument_is_evaluated_at_the_start()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    void Handle(object? client) { }

                    void Serve(TcpListener listener)
                    {
                        while (true)
                        {
                            [|new Thread(Handle)|].Start(listener.AcceptTcpClient());
                        }
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    void Handle(object? client) { }

                    void Serve(TcpListener listener)
                    {
                        while (true)
                        {
                            [|new Thread(Handle)|].Start(listener.AcceptTcpClient());
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = THR006ThreadPerWorkItemCodeFix.UseTaskRunKey,
        }.RunAsync();

    [Fact]
    public Task Fix_queues_a_thread_lambda_with_an_unused_state_parameter()
        => new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    int Save(string item) => 0;

                    void M(string[] items)
                    {
                        foreach (var item in items)
                        {
                            [|new Thread(() => Save(item))|].Start();
                        }

                        foreach (var item in items)
                        {
                            [|new Thread(() => { _ = Save(item); })|].Start();
                        }
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    int Save(string item) => 0;

                    void M(string[] items)
                    {
                        foreach (var item in items)
                        {
                            ThreadPool.QueueUserWorkItem(_ => Save(item));
                        }

                        foreach (var item in items)
                        {
                            ThreadPool.QueueUserWorkItem(state => { _ = Save(item); });
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = THR006ThreadPerWorkItemCodeFix.UseThreadPoolKey,
            CodeActionIndex = 1,
        }.RunAsync();

    [Fact]
    public Task No_fix_when_the_threads_are_joined_in_the_loop_used_later_or_joined_with_a_timeout()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                void Work(string item) { }

                void Sequential(string[] items)
                {
                    foreach (var item in items)
                    {
                        var t = [|new Thread(() => Work(item))|];
                        t.Start();
                        t.Join();
                    }
                }

                void ListUsedLater(string[] items)
                {
                    var threads = new List<Thread>();
                    foreach (var item in items)
                    {
                        var t = [|new Thread(() => Work(item))|];
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads) t.Join();
                    Console.WriteLine(threads.Count);
                }

                void TimedJoin(string[] items)
                {
                    var threads = new List<Thread>();
                    foreach (var item in items)
                    {
                        var t = [|new Thread(() => Work(item))|];
                        threads.Add(t);
                        t.Start();
                    }

                    foreach (var t in threads) t.Join(100);
                }

                void OtherStatements(string[] items)
                {
                    var threads = new List<Thread>();
                    foreach (var item in items)
                    {
                        var t = [|new Thread(() => Work(item))|];
                        threads.Add(t);
                        t.Start();
                        Console.WriteLine("started");
                    }

                    foreach (var t in threads) t.Join();
                }

                void ThreadUsedByItsOwnWork(string[] items)
                {
                    foreach (var item in items)
                    {
                        Thread t = null!;
                        t = [|new Thread(() => Console.WriteLine(t.Name))|];
                        t.Start();
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_all_rewrites_every_loop_in_the_document()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                void Work(string item) { }

                void M(string[] items, List<string> names)
                {
                    foreach (var item in items)
                    {
                        [|new Thread(() => Work(item))|].Start();
                    }

                    foreach (var name in names)
                    {
                        [|new Thread(() => Work(name))|].Start();
                    }
                }
            }
            """, UsingsWithTasks + """
            class C
            {
                void Work(string item) { }

                void M(string[] items, List<string> names)
                {
                    foreach (var item in items)
                    {
                        Task.Run(() => Work(item));
                    }

                    foreach (var name in names)
                    {
                        Task.Run(() => Work(name));
                    }
                }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", Usings + "class A { void M(string[] items) { foreach (var item in items) [|new Thread(() => Console.WriteLine(item))|].Start(); } }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { void M(string[] items) { foreach (var item in items) [|new Thread(() => Console.WriteLine(item))|].Start(); } }"));
        test.FixedState.Sources.Add(("A.cs", UsingsWithTasks + "class A { void M(string[] items) { foreach (var item in items) Task.Run(() => Console.WriteLine(item)); } }"));
        test.FixedState.Sources.Add(("B.cs", UsingsWithTasks + "class B { void M(string[] items) { foreach (var item in items) Task.Run(() => Console.WriteLine(item)); } }"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("foreach (var url in urls) { new Thread(() => Console.WriteLine(url)).Start(")]
    [InlineData("foreach (var url in urls) { new Thread(; }")]
    [InlineData("for (var i = 0; i < ; i++) { new Thread(() => { }).Start(); }")]
    [InlineData("while () { new Thread(Unknown).Start(); }")]
    [InlineData("foreach (var x in Unknown.Items) { var t = new Thread(() => { }); list.Add(t); } foreach (var t in list) t.Join();")]
    [InlineData("do { new Thread(() => { }).Start(); } while")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M(List<string> urls) { " + body + " } }");
}
