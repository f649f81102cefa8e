using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ThreadingAnalyzers.Tests.Infrastructure;
using ThreadingAnalyzers.CodeFixes.Rules;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR003CompletionNeverSignalledAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR003CompletionNeverSignalledCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR003CompletionNeverSignalledTests
{
    private const string Usings = "using System; using System.Collections.Concurrent; using System.Threading; using System.Threading.Channels; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
    {
        var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };

        return test.RunAsync();
    }

    [Fact]
    public Task A_consumer_of_a_collection_nobody_completes_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int Sum()
                {
                    var queue = new BlockingCollection<int>();
                    Task.Run(() =>
                    {
                        for (var i = 0; i < 10; i++) queue.Add(i);
                    });
                    var sum = 0;
                    foreach (var item in {|#0:queue.GetConsumingEnumerable()|}) sum += item;
                    return sum;
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("queue", "is consumed with GetConsumingEnumerable() but CompleteAdding() is never called on it", "the consuming loop never ends after the Task.Run callback stops adding").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_joined_consumer_thread_taking_in_an_endless_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

                void Run()
                {
                    var consumer = new Thread(() =>
                    {
                        while (true)
                        {
                            var line = {|#0:_lines.Take()|};
                            Console.WriteLine(line);
                        }
                    });
                    consumer.Start();
                    _lines.Add("a");
                    _lines.Add("b");
                    consumer.Join();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_lines", "is consumed with Take() but CompleteAdding() is never called on it", "the consuming loop never ends after 'Run' stops adding"));

    [Fact]
    public Task A_channel_whose_writer_is_never_completed_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> CountAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    _ = Task.Run(async () =>
                    {
                        for (var i = 0; i < 10; i++) await channel.Writer.WriteAsync(i);
                    });
                    var count = 0;
                    await foreach (var item in {|#0:channel.Reader.ReadAllAsync()|}) count++;
                    return count;
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("channel", "is read with ReadAllAsync() but its writer is never completed", "the reading loop never ends after the Task.Run callback stops writing").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_wait_to_read_loop_on_a_channel_field_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Channel<string> _channel = Channel.CreateBounded<string>(10);

                public void Post(string message) => _channel.Writer.TryWrite(message);

                public async Task DrainAsync()
                {
                    while (await [|_channel.Reader.WaitToReadAsync()|])
                    {
                        while (_channel.Reader.TryRead(out var message)) Console.WriteLine(message);
                    }

                    Console.WriteLine("drained");
                }

                public void Start() => Task.Run(DrainAsync);
            }
            """);

    [Fact]
    public Task Complete_adding_after_work_that_can_throw_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        foreach (var text in inputs) queue.Add(Parse(text));
                        {|#0:queue.CompleteAdding()|};
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("queue", "is completed only if the producer does not throw", "an exception in 'queue.Add(Parse(text))' skips CompleteAdding() and leaves the consumer in 'Run' waiting forever; complete it in a finally block"));

    [Fact]
    public Task Complete_adding_after_an_early_return_says_so()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        if (inputs.Length == 0) return;
                        {|#0:queue.CompleteAdding()|};
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("queue", "is completed only if the producer does not throw or return early", "a return or an exception in 'if (inputs.Length == 0) return' skips CompleteAdding() and leaves the consumer in 'Run' waiting forever; complete it in a finally block"));

    [Fact]
    public Task A_writer_completed_only_on_success_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

                public void Start() => Task.Run(Produce);

                private void Produce()
                {
                    _channel.Writer.TryWrite(Compute());
                    {|#0:_channel.Writer.Complete()|};
                }

                private static int Compute() => 42;

                public async Task<int> SumAsync()
                {
                    var sum = 0;
                    await foreach (var value in _channel.Reader.ReadAllAsync()) sum += value;
                    return sum;
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_channel", "is completed only if the producer does not throw", "an exception in '_channel.Writer.TryWrite(Compute())' skips Complete() and leaves the reader in 'SumAsync' on another thread waiting forever; complete the writer in a finally block"));

    [Fact]
    public Task A_countdown_signalled_only_on_success_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static void Process(int item) => Console.WriteLine(100 / item);

                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            Process(item);
                            {|#0:done.Signal()|};
                        });
                    }

                    done.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("done", "is signalled only if the worker does not throw", "an exception in 'Process(item)' skips Signal() and leaves 'Run' waiting forever in Wait(); signal in a finally block"));

    [Fact]
    public Task Completion_in_a_finally_block_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run(int[] items)
                {
                    var queue = new BlockingCollection<int>();
                    var done = new CountdownEvent(items.Length);
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            foreach (var item in items) queue.Add(100 / item);
                        }
                        finally
                        {
                            queue.CompleteAdding();
                        }
                    });
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            try { Console.WriteLine(item); } finally { done.Signal(); }
                        });
                    }

                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    done.Wait();
                }
            }
            """);

    [Fact]
    public Task A_collection_completed_by_another_method_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                public void Add(int item) => _queue.Add(item);

                public void Stop() => _queue.CompleteAdding();

                public void Consume()
                {
                    Task.Run(() => _queue.Add(1));
                    foreach (var item in _queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task A_consumer_that_stops_at_a_sentinel_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new BlockingCollection<int>();
                    Task.Run(() => { queue.Add(1); queue.Add(-1); });
                    foreach (var item in queue.GetConsumingEnumerable())
                    {
                        if (item < 0) break;
                        Console.WriteLine(item);
                    }

                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task A_consumer_with_a_cancellation_token_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run(CancellationToken token)
                {
                    var queue = new BlockingCollection<int>();
                    Task.Run(() => queue.Add(1));
                    foreach (var item in queue.GetConsumingEnumerable(token)) Console.WriteLine(item);
                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task A_wait_with_a_timeout_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static void Process(int item) => Console.WriteLine(100 / item);

                bool Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            Process(item);
                            done.Signal();
                        });
                    }

                    return done.Wait(TimeSpan.FromSeconds(5));
                }
            }
            """);

    [Fact]
    public Task A_collection_handed_out_of_the_type_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();

                public BlockingCollection<int> Queue => _queue;

                public void Run()
                {
                    Task.Run(() => _queue.Add(1));
                    foreach (var item in _queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task A_collection_passed_in_from_outside_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _queue;

                public C(BlockingCollection<int> queue) => _queue = queue;

                public void Run()
                {
                    Task.Run(() => _queue.Add(1));
                    foreach (var item in _queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    Console.WriteLine("done");
                }
            }
            """);

    [Fact]
    public Task A_background_consumer_that_nobody_waits_for_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Logger
            {
                private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

                public Logger() => new Thread(Write) { IsBackground = true }.Start();

                public void Log(string line) => _lines.Add(line);

                private void Write()
                {
                    foreach (var line in _lines.GetConsumingEnumerable()) Console.WriteLine(line);
                }
            }
            """);

    [Fact]
    public Task Completion_after_code_that_cannot_throw_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>();
                private int _produced;

                public void Finish()
                {
                    _produced = 0;
                    _queue.CompleteAdding();
                }

                public void Run()
                {
                    Task.Run(Finish);
                    foreach (var item in _queue.GetConsumingEnumerable()) Console.WriteLine(item);
                }
            }
            """);

    [Fact]
    public Task Completion_after_work_whose_exceptions_are_all_caught_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            foreach (var text in inputs) queue.Add(Parse(text));
                        }
                        catch (Exception error)
                        {
                            Console.WriteLine(error.Message);
                        }

                        queue.CompleteAdding();
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """);

    [Fact]
    public Task Completion_after_a_catch_that_rethrows_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            foreach (var text in inputs) queue.Add(Parse(text));
                        }
                        catch (FormatException error)
                        {
                            Console.WriteLine(error.Message);
                            throw;
                        }

                        [|queue.CompleteAdding()|];
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """);

    [Fact]
    public Task Completion_after_a_catch_that_completes_before_rethrowing_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

                public void Start() => Task.Run(Produce);

                private async Task Produce()
                {
                    try
                    {
                        for (var i = 0; i < 10; i++) await _channel.Writer.WriteAsync(100 / (5 - i));
                    }
                    catch (Exception error)
                    {
                        _channel.Writer.Complete(error);
                        throw;
                    }

                    _channel.Writer.Complete();
                }

                public async Task<int> SumAsync()
                {
                    var sum = 0;
                    await foreach (var value in _channel.Reader.ReadAllAsync()) sum += value;
                    return sum;
                }
            }
            """);

    [Fact]
    public Task A_take_loop_until_the_collection_is_completed_is_reported_when_nothing_completes_it()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() =>
                    {
                        while (!queue.IsCompleted)
                        {
                            Console.WriteLine([|queue.Take()|]);
                        }
                    });
                    queue.Add(1);
                    consumer.Wait();
                }
            }
            """);

    [Fact]
    public Task Completion_with_no_consumer_on_another_thread_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    foreach (var text in inputs) queue.Add(Parse(text));
                    queue.CompleteAdding();
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                }
            }
            """);

    [Fact]
    public Task The_success_path_completion_moves_into_a_finally_block()
        => VerifyFixAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        foreach (var text in inputs) queue.Add(Parse(text));
                        [|queue.CompleteAdding()|];
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """, Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            foreach (var text in inputs) queue.Add(Parse(text));
                        }
                        finally
                        {
                            queue.CompleteAdding();
                        }
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """,
            THR003CompletionNeverSignalledCodeFix.MoveToFinallyKey);

    [Fact]
    public Task The_signal_moves_into_a_finally_block_and_later_statements_stay_after_it()
        => VerifyFixAsync(Usings + """
            class C
            {
                static void Process(int item) => Console.WriteLine(100 / item);

                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            // the work
                            Process(item);
                            [|done.Signal()|];
                            Console.WriteLine("signalled");
                        });
                    }

                    done.Wait();
                }
            }
            """, Usings + """
            class C
            {
                static void Process(int item) => Console.WriteLine(100 / item);

                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            // the work
                            try
                            {
                                Process(item);
                            }
                            finally
                            {
                                done.Signal();
                            }

                            Console.WriteLine("signalled");
                        });
                    }

                    done.Wait();
                }
            }
            """,
            THR003CompletionNeverSignalledCodeFix.MoveToFinallyKey);

    [Fact]
    public Task A_missing_completion_is_added_in_a_finally_block_of_the_producer()
        => VerifyFixAsync(Usings + """
            class C
            {
                async Task<int> CountAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    _ = Task.Run(async () =>
                    {
                        for (var i = 0; i < 10; i++) await channel.Writer.WriteAsync(i);
                    });
                    var count = 0;
                    await foreach (var item in [|channel.Reader.ReadAllAsync()|]) count++;
                    return count;
                }
            }
            """, Usings + """
            class C
            {
                async Task<int> CountAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            for (var i = 0; i < 10; i++) await channel.Writer.WriteAsync(i);
                        }
                        finally
                        {
                            channel.Writer.Complete();
                        }
                    });
                    var count = 0;
                    await foreach (var item in channel.Reader.ReadAllAsync()) count++;
                    return count;
                }
            }
            """,
            THR003CompletionNeverSignalledCodeFix.CompleteInFinallyKey);

    [Fact]
    public Task A_leading_declaration_used_after_the_completion_stays_before_the_try()
        => VerifyFixAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        var count = 0;
                        foreach (var text in inputs) { queue.Add(Parse(text)); count++; }
                        [|queue.CompleteAdding()|];
                        Console.WriteLine(count);
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """, Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        var count = 0;
                        try
                        {
                            foreach (var text in inputs) { queue.Add(Parse(text)); count++; }
                        }
                        finally
                        {
                            queue.CompleteAdding();
                        }

                        Console.WriteLine(count);
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """,
            THR003CompletionNeverSignalledCodeFix.MoveToFinallyKey);

    [Fact]
    public Task No_fix_when_a_name_declared_after_work_that_can_throw_is_used_after_the_completion()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var queue = new BlockingCollection<int>();
                    var producer = Task.Run(() =>
                    {
                        foreach (var text in inputs) queue.Add(Parse(text));
                        var total = inputs.Length;
                        [|queue.CompleteAdding()|];
                        Console.WriteLine(total);
                    });
                    foreach (var item in queue.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """);

    [Fact]
    public Task No_completion_fix_when_several_functions_produce()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                int Sum()
                {
                    var queue = new BlockingCollection<int>();
                    Task.Run(() => { queue.Add(1); });
                    Task.Run(() => { queue.Add(2); });
                    var sum = 0;
                    foreach (var item in [|queue.GetConsumingEnumerable()|]) sum += item;
                    return sum;
                }
            }
            """);

    [Fact]
    public async Task Fix_all_moves_every_completion_in_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR003CompletionNeverSignalledCodeFix.MoveToFinallyKey };
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var numbers = new BlockingCollection<int>();
                    var texts = new BlockingCollection<string>();
                    var producer = Task.Run(() =>
                    {
                        foreach (var text in inputs) { texts.Add(text); numbers.Add(Parse(text)); }
                        [|numbers.CompleteAdding()|];
                        [|texts.CompleteAdding()|];
                    });
                    foreach (var item in numbers.GetConsumingEnumerable()) Console.WriteLine(item);
                    foreach (var item in texts.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        Task.Run(() =>
                        {
                            Console.WriteLine(100 / item);
                            [|done.Signal()|];
                        });
                    }

                    done.Wait();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var numbers = new BlockingCollection<int>();
                    var texts = new BlockingCollection<string>();
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            try
                            {
                                foreach (var text in inputs) { texts.Add(text); numbers.Add(Parse(text)); }
                            }
                            finally
                            {
                                numbers.CompleteAdding();
                            }
                        }
                        finally
                        {
                            texts.CompleteAdding();
                        }
                    });
                    foreach (var item in numbers.GetConsumingEnumerable()) Console.WriteLine(item);
                    foreach (var item in texts.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """));
        test.BatchFixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                static int Parse(string text) => int.Parse(text);

                void Run(string[] inputs)
                {
                    var numbers = new BlockingCollection<int>();
                    var texts = new BlockingCollection<string>();
                    var producer = Task.Run(() =>
                    {
                        try
                        {
                            foreach (var text in inputs) { texts.Add(text); numbers.Add(Parse(text)); }
                        }
                        finally
                        {
                            numbers.CompleteAdding();
                            texts.CompleteAdding();
                        }
                    });
                    foreach (var item in numbers.GetConsumingEnumerable()) Console.WriteLine(item);
                    foreach (var item in texts.GetConsumingEnumerable()) Console.WriteLine(item);
                    producer.Wait();
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        Task.Run(() =>
                        {
                            try
                            {
                                Console.WriteLine(100 / item);
                            }
                            finally
                            {
                                done.Signal();
                            }
                        });
                    }

                    done.Wait();
                }
            }
            """));
        test.BatchFixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void Run(int[] items)
                {
                    var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        Task.Run(() =>
                        {
                            try
                            {
                                Console.WriteLine(100 / item);
                            }
                            finally
                            {
                                done.Signal();
                            }
                        });
                    }

                    done.Wait();
                }
            }
            """));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("foreach (var x in q.GetConsumingEnumerable() { }")]
    [InlineData("Task.Run(() => { q.Add(1); q.CompleteAdding( });")]
    [InlineData("while (true) { var x = q.Take(; }")]
    [InlineData("Missing.CompleteAdding(); foreach (var x in Missing.GetConsumingEnumerable()) { }")]
    [InlineData("var c = Channel.CreateUnbounded<int>(); await foreach (var x in c.Reader.ReadAllAsync( { }")]
    [InlineData("var d = new CountdownEvent(1); Task.Run(() => { Foo(); d.Signal(); }); d.Wait(")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { async Task M() { var q = new BlockingCollection<int>(); Task.Run(() => q.Add(1)); " + body + " } }");
}
