using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<
    ThreadingAnalyzers.Rules.THR015BlockingWhileHoldingLockAnalyzer>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR015BlockingWhileHoldingLockTests
{
    private const string Usings = "using System; using System.Collections.Concurrent; using System.IO; using System.Net.Http; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public Task Sleep_inside_a_lock_is_reported_with_the_lock()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    lock (_gate)
                    {
                        {|#0:Thread.Sleep(100)|};
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Thread.Sleep' blocks", "lock(_gate)"));

    [Theory]
    [InlineData("[|worker.Join()|];")]
    [InlineData("[|task.Wait()|];")]
    [InlineData("var value = [|numbers.Result|];")]
    [InlineData("var value = [|numbers.GetAwaiter().GetResult()|];")]
    [InlineData("[|numbers.ConfigureAwait(false).GetAwaiter().GetResult()|];")]
    [InlineData("[|Task.WaitAll(task)|];")]
    [InlineData("[|signal.WaitOne()|];")]
    [InlineData("[|ready.Wait()|];")]
    [InlineData("[|semaphore.Wait()|];")]
    [InlineData("var item = [|queue.Take()|];")]
    [InlineData("var text = [|File.ReadAllText(\"settings.json\")|];")]
    [InlineData("[|client.Send(new HttpRequestMessage())|];")]
    public Task Every_blocking_call_inside_a_lock_is_reported(string statement)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                private readonly object _gate = new object();

                void M(Thread worker, Task task, Task<int> numbers, AutoResetEvent signal, ManualResetEventSlim ready,
                    SemaphoreSlim semaphore, BlockingCollection<int> queue, HttpClient client)
                {
                    lock (_gate)
                    {
                        {{statement}}
                    }
                }
            }
            """);

    [Fact]
    public Task Blocking_between_monitor_enter_and_exit_or_in_a_semaphore_region_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M(Task task)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|#1:task.Wait()|};
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                async Task N()
                {
                    await _semaphore.WaitAsync();
                    try
                    {
                        {|#0:Thread.Sleep(50)|};
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(1).WithArguments("'Task.Wait' blocks", "Monitor.Enter(_gate)"),
            Verify.Diagnostic().WithLocation(0).WithArguments("'Thread.Sleep' blocks", "_semaphore.WaitAsync()"));

    [Fact]
    public Task A_call_to_a_method_that_blocks_two_levels_down_is_reported_at_the_call()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    lock (_gate)
                    {
                        {|#0:Save()|};
                    }
                }

                void Save() => Write();

                void Write() => File.WriteAllText("state.txt", "x");
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Save()' blocks in 'File.WriteAllText' (Save → Write)", "lock(_gate)"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task A_blocking_method_of_another_type_is_followed_whichever_type_is_analysed_first(bool calleeFirst)
    {
        // The call under the lock is resolved at the end of its own type: the callee's type may end before or after it.
        const string store = "class Store { public void Save() => Write(); void Write() => File.WriteAllText(\"state.txt\", \"x\"); }\n";
        const string cache = """
            class Cache
            {
                private readonly object _gate = new object();
                private readonly Store _store = new Store();

                void M()
                {
                    lock (_gate)
                    {
                        {|#0:_store.Save()|};
                    }
                }
            }

            """;
        return Verify.VerifyAnalyzerAsync(
            Usings + (calleeFirst ? store + cache : cache + store),
            Verify.Diagnostic().WithLocation(0).WithArguments("'Save()' blocks in 'File.WriteAllText' (Save → Write)", "lock(_gate)"));
    }

    [Fact]
    public async Task Calls_in_nested_types_top_level_statements_and_other_files_are_each_reported_once()
    {
        var test = new Verify.Test { TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication } };
        test.TestState.Sources.Add(("Program.cs", Usings + """
            var gate = new object();
            lock (gate)
            {
                [|Helpers.Pause()|];
            }

            """));
        test.TestState.Sources.Add(("Helpers.cs", Usings + """
            static class Helpers
            {
                public static void Pause() => Thread.Sleep(10);

                class Nested
                {
                    private readonly object _gate = new object();

                    void M()
                    {
                        lock (_gate)
                        {
                            [|Pause()|];
                            [|Thread.Sleep(1)|];
                        }
                    }
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task A_blocking_helper_called_in_a_semaphore_region_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);

                void M(Task pending)
                {
                    _semaphore.Wait();
                    try
                    {
                        {|#0:this.Drain(pending)|};
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                void Drain(Task pending) => pending.Wait();
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Drain()' blocks in 'Task.Wait' (Drain)", "_semaphore.Wait()"));

    [Fact]
    public Task Blocking_outside_the_lock_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _pending;

                void M(Task task)
                {
                    int pending;
                    lock (_gate)
                    {
                        pending = _pending;
                    }

                    task.Wait();
                    Thread.Sleep(pending);
                }
            }
            """);

    [Fact]
    public Task A_lambda_created_under_the_lock_and_non_blocking_calls_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private Action _later = () => { };

                void M(BlockingCollection<int> queue)
                {
                    lock (_gate)
                    {
                        _later = () => Thread.Sleep(100);
                        Thread.Sleep(0);
                        queue.TryTake(out _);
                        Monitor.Wait(_gate);
                        Helper();
                    }
                }

                void Helper() { }
            }
            """);

    [Fact]
    public Task A_call_deeper_than_the_limit_is_not_followed()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    lock (_gate)
                    {
                        A();
                    }
                }

                void A() => B();
                void B() => D();
                void D() => E();
                void E() => Thread.Sleep(10);
            }
            """);

    [Theory]
    [InlineData("switch (task.Status) { case TaskStatus.RanToCompletion: lock (_gate) { _last = task.Result; } break; }")]
    [InlineData("switch (task.Status) { case TaskStatus.RanToCompletion or TaskStatus.Faulted: lock (_gate) { _last = task.GetAwaiter().GetResult(); } break; }")]
    [InlineData("if (task.IsCompleted) { lock (_gate) { _last = task.Result; } }")]
    [InlineData("if (task.IsCompletedSuccessfully && _last == 0) { lock (_gate) { _last = task.ConfigureAwait(false).GetAwaiter().GetResult(); } }")]
    [InlineData("if (task.Status == TaskStatus.RanToCompletion) { lock (_gate) { task.Wait(); } }")]
    [InlineData("if (!task.IsCompleted) { return; } lock (_gate) { _last = task.Result; }")]
    [InlineData("if (task.Status != TaskStatus.RanToCompletion) return; lock (_gate) { _last = task.Result; }")]
    [InlineData("lock (_gate) { _last = task.Status is TaskStatus.RanToCompletion ? task.Result : 0; }")]
    [InlineData("lock (_gate) { _last = task.Status switch { TaskStatus.RanToCompletion => task.Result, _ => 0 }; }")]
    [InlineData("task.ContinueWith(done => { lock (_gate) { _last = done.Result; } });")]
    [InlineData("task.ContinueWith(_ => { lock (_gate) { _last = task.Result; } });")]
    [InlineData("task.Wait(); lock (_gate) { _last = task.Result; }")]
    [InlineData("lock (_gate) { if (task.Wait(0)) _last = 1; }")]
    [InlineData("lock (_gate) { task.Wait(TimeSpan.Zero); }")]
    public Task A_task_known_to_be_complete_does_not_block(string body)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                private readonly object _gate = new object();
                private int _last;

                void M(Task<int> task)
                {
                    {{body}}
                }
            }
            """);

    [Fact]
    public Task A_task_awaited_before_the_lock_does_not_block()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _sum;

                async Task M(Task<int> first, Task<int> second)
                {
                    await Task.WhenAll(first, second).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _sum = first.Result + second.Result;
                    }
                }
            }
            """);

    [Theory]
    [InlineData("switch (task.Status) { case TaskStatus.Running: lock (_gate) { _last = [|task.Result|]; } break; }")]
    [InlineData("switch (task.Status) { case TaskStatus.RanToCompletion: break; default: lock (_gate) { _last = [|task.Result|]; } break; }")]
    [InlineData("if (other.IsCompleted) { lock (_gate) { _last = [|task.Result|]; } }")]
    [InlineData("if (!task.IsCompleted) { lock (_gate) { _last = [|task.Result|]; } }")]
    [InlineData("if (task.IsCompleted || _last == 0) { lock (_gate) { _last = [|task.Result|]; } }")]
    [InlineData("other.ContinueWith(_ => { lock (_gate) { _last = [|task.Result|]; } });")]
    [InlineData("lock (_gate) { [|task.Wait(100)|]; }")]
    public Task A_task_not_known_to_be_complete_is_still_reported(string body)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                private readonly object _gate = new object();
                private int _last;

                void M(Task<int> task, Task other)
                {
                    {{body}}
                }
            }
            """);

    [Theory]
    [InlineData("new SemaphoreSlim(0)")]
    [InlineData("new SemaphoreSlim(initialCount: 0, maxCount: int.MaxValue)")]
    [InlineData("signal")]
    public Task A_semaphore_used_as_a_signal_is_not_a_lock_and_a_counted_drain_does_not_block(string creation)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class EventLoop
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _signal;
                private int _pending;

                public EventLoop(SemaphoreSlim signal)
                {
                    _signal = {{creation}};
                }

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

                            _pending = 0;
                        }

                        Thread.Sleep(1);
                    }
                }

                void Post()
                {
                    lock (_gate)
                    {
                        _pending++;
                        _signal.Release();
                    }
                }
            }
            """);

    [Fact]
    public Task Semaphores_created_empty_and_released_by_callbacks_are_signals()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Action<Action> subscribe)
                {
                    var first = new Semaphore(0, 1);
                    var second = new Semaphore(0, 1);
                    subscribe(() => first.Release());
                    subscribe(() => second.Release());

                    first.WaitOne();
                    second.WaitOne();
                }
            }
            """);

    [Fact]
    public Task Waiting_for_a_signal_while_holding_the_lock_its_sender_needs_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class EventLoop
            {
                private readonly object _gate = new object();
                private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);

                void Run()
                {
                    lock (_gate)
                    {
                        {|#0:_signal.Wait()|};
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
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'SemaphoreSlim.Wait' blocks", "lock(_gate)"));

    [Fact]
    public Task A_semaphore_waited_and_released_by_one_method_is_still_a_lock()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);

                void M()
                {
                    _mutex.Wait();
                    try
                    {
                        {|#0:Thread.Sleep(10)|};
                    }
                    finally
                    {
                        _mutex.Release();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Thread.Sleep' blocks", "_mutex.Wait()"));

    [Fact]
    public Task A_blocking_Add_that_a_collection_initializer_calls_is_followed()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections;
            using System.Collections.Generic;

            class Batch : IEnumerable<int>
            {
                public void Add(int item) => Thread.Sleep(item);

                public IEnumerator<int> GetEnumerator() => throw new NotImplementedException();

                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
            }

            class C
            {
                private readonly object _gate = new object();

                Batch M()
                {
                    lock (_gate)
                    {
                        return {|#0:Make()|};
                    }
                }

                Batch Make() => new Batch { 1, 2 };
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Make()' blocks in 'Thread.Sleep' (Make → Add)", "lock(_gate)"));

    [Fact]
    public Task A_local_function_that_calls_a_blocking_sibling_is_followed()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M(Task work)
                {
                    lock (_gate)
                    {
                        {|#0:Outer()|};
                    }

                    void Outer() => Inner();

                    void Inner() => work.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("'Outer()' blocks in 'Task.Wait' (Outer → Inner)", "lock(_gate)"));

    [Fact]
    public Task A_call_chain_that_names_nothing_blocking_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _count;

                void M()
                {
                    lock (_gate)
                    {
                        Step();
                    }
                }

                void Step() => Next();

                void Next() => _count = Compute(_count);

                static int Compute(int value) => value + 1;
            }
            """);

    [Theory]
    [InlineData("lock (_g) { Thread.Sleep(")]
    [InlineData("lock (_g) { Unknown.Wait(); x.Result; }")]
    [InlineData("lock (_g) { Helper(; }")]
    [InlineData("lock () { Thread.Sleep(1); }")]
    [InlineData("lock (_g) { Recurse(); }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { readonly object _g = new(); void Recurse() => Recurse(); void M() { " + body + " } }");
}
