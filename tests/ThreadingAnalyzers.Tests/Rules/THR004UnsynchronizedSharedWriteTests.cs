using System.Threading.Tasks;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR004UnsynchronizedSharedWriteAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR004UnsynchronizedSharedWriteCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR004UnsynchronizedSharedWriteTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
    {
        var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };
        return test.RunAsync();
    }

    // ---- Reported -------------------------------------------------------------------------------------------

    [Fact]
    public Task A_counter_incremented_by_every_Parallel_For_iteration_is_reported_with_the_reason()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int count;
                void M() => Parallel.For(0, 100, i => {|#0:count++|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("count", "incremented", "by every Parallel.For iteration without synchronization"));

    [Fact]
    public Task A_captured_local_summed_by_Parallel_ForEach_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                long M(int[] items)
                {
                    long total = 0;
                    Parallel.ForEach(items, item => { [|total += item|]; });
                    return total;
                }
            }
            """);

    [Fact]
    public Task A_static_field_written_by_threads_started_in_a_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int s_done;
                static void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        new Thread(() => { {|#0:s_done++|}; }).Start();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("s_done", "incremented", "by every new Thread started in the loop without synchronization"));

    [Fact]
    public Task A_task_writing_while_its_creator_also_writes_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                string status = "";
                void M()
                {
                    var task = Task.Run(() => { {|#0:status = "worker"|}; });
                    status = "main";
                    task.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("status", "assigned", "by the Task.Run callback without synchronization while 'M' also writes it"));

    [Fact]
    public Task Two_threads_writing_the_same_field_are_both_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                double balance;
                void M()
                {
                    var a = new Thread(() => [|balance += 10|]);
                    var b = new Thread(() => [|balance -= 5|]);
                    a.Start();
                    b.Start();
                }
            }
            """);

    [Fact]
    public Task A_write_in_a_method_reached_from_a_thread_started_twice_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int _processed;
                void Start()
                {
                    new Thread(Worker).Start();
                    new Thread(Worker).Start();
                }

                void Worker()
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        Update();
                    }
                }

                void Update() => [|_processed++|];
            }
            """);

    [Fact]
    public Task A_write_in_a_periodic_timer_callback_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int ticks;
                Timer M() => new Timer(_ => [|ticks++|], null, 0, 10);
            }
            """);

    [Fact]
    public Task Read_modify_write_on_a_volatile_field_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                volatile int hits;
                void M() => Parallel.For(0, 10, i => [|hits++|]);
            }
            """);

    [Fact]
    public Task A_field_written_under_a_lock_elsewhere_and_without_it_in_a_thread_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                readonly object _gate = new object();
                int _value;
                void Reset() { lock (_gate) { _value = 0; } }
                void M() => Task.Run(() => {|#0:_value = 42|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_value", "assigned", "by the Task.Run callback without synchronization, but is written under lock(_gate) elsewhere"));

    [Fact]
    public Task A_thread_started_through_an_escaped_name_is_found()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                readonly object _gate = new object();
                int _value;
                void Reset() { lock (_gate) { _value = 0; } }
                void M() => Task.\u0052un(() => {|#0:_value = 42|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_value", "assigned", "by the Task.Run callback without synchronization, but is written under lock(_gate) elsewhere"));

    [Fact]
    public Task A_ref_argument_write_and_an_auto_property_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static int counter;
                public static int Total { get; set; }
                static void Bump(ref int value) => value++;
                void M() => Parallel.For(0, 10, i => { Bump([|ref counter|]); [|Total++|]; });
            }
            """);

    [Fact]
    public Task A_write_in_a_PLINQ_ForAll_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Linq;
            class C
            {
                int sum;
                void M(int[] xs) => xs.AsParallel().ForAll(x => [|sum += x|]);
            }
            """);

    // ---- Not reported ---------------------------------------------------------------------------------------

    [Fact]
    public Task Initialization_before_the_threads_start_and_writes_after_they_are_joined_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int[] data = new int[0];
                int result;
                void M()
                {
                    data = new int[100];
                    var t = new Thread(() => { result = data.Length; });
                    t.Start();
                    t.Join();
                    result = 0;
                }
            }
            """);

    [Fact]
    public Task Reads_alone_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int limit = 10;
                void M() => Parallel.For(0, 10, i => Console.WriteLine(limit + i));
            }
            """);

    [Fact]
    public Task Thread_local_state_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Box { public int Count; }
            class C
            {
                [ThreadStatic] static int t_count;
                static readonly ThreadLocal<Box> PerThread = new ThreadLocal<Box>(() => new Box());
                void M() => Parallel.For(0, 10, i => { t_count++; PerThread.Value!.Count++; });
            }
            """);

    [Fact]
    public Task Locals_of_the_region_and_objects_created_in_it_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Box { public int Count; }
            class C
            {
                void M() => Parallel.For(0, 10, i =>
                {
                    var local = 0;
                    local++;
                    var box = new Box();
                    box.Count++;
                });
            }
            """);

    [Fact]
    public Task Interlocked_Volatile_and_lock_protected_writes_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                readonly object _monitor = new object();
                readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                int a, b, c, d, e;
                void M() => Parallel.For(0, 10, i =>
                {
                    Interlocked.Increment(ref a);
                    Volatile.Write(ref b, i);
                    lock (_monitor) { c++; }
                    Monitor.Enter(_monitor);
                    try { d++; } finally { Monitor.Exit(_monitor); }
                    _gate.Wait();
                    try { e++; } finally { _gate.Release(); }
                });
            }
            """);

    [Fact]
    public Task A_call_made_under_a_lock_protects_the_writes_of_the_method_it_reaches()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                readonly object _gate = new object();
                int _n;
                void Update() => _n++;
                void M() => Parallel.For(0, 10, i => { lock (_gate) { Update(); } });
            }
            """);

    [Fact]
    public Task Parallel_For_with_localInit_and_localFinally_merging_under_a_lock_or_Interlocked_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                readonly object _gate = new object();
                long total;
                int count;
                void M()
                {
                    Parallel.For(0, 100, () => 0L, (i, state, subtotal) => subtotal + i, subtotal => { lock (_gate) { total += subtotal; } });
                    Parallel.For(0, 100, () => 0, (i, state, local) => local + 1, local => Interlocked.Add(ref count, local));
                }
            }
            """);

    [Fact]
    public Task Code_with_no_concurrent_region_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int count;
                event EventHandler? Changed;
                void M(List<int> items)
                {
                    count++;
                    items.ForEach(i => count += i);
                    Changed += (s, e) => count = 0;
                }
            }
            """);

    [Fact]
    public Task A_plain_store_to_a_volatile_field_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                volatile bool _stop;
                volatile int _last;
                void M() => Parallel.For(0, 10, i => { _stop = true; _last = i; });
            }
            """);

    [Fact]
    public Task A_single_task_that_alone_writes_a_field_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int _result;
                async Task M()
                {
                    _result = 0;
                    await Task.Run(() => { _result = 42; });
                    _result++;
                }
            }
            """);

    [Fact]
    public Task A_loop_that_waits_for_each_task_or_thread_it_starts_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int count;
                async Task M()
                {
                    for (var i = 0; i < 3; i++)
                    {
                        await Task.Run(() => count++);
                        var t = new Thread(() => count += 2);
                        t.Start();
                        t.Join();
                    }
                }
            }
            """);

    [Fact]
    public Task Every_iteration_setting_the_same_flag_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                bool found;
                void M(int[] xs) => Parallel.ForEach(xs, x => { if (x < 0) found = true; });
            }
            """);

    [Fact]
    public Task Two_threads_storing_the_same_constant_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                bool _failed;
                int _state;
                void Work() { try { } catch { _failed = true; _state = 2; } }
                void M()
                {
                    new Thread(Work).Start();
                    Task.Run(() => { _failed = true; _state = 2; });
                }
            }
            """);

    [Fact]
    public Task Every_iteration_storing_the_same_captured_value_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Box { public string Job { get; set; } = ""; }
            class C
            {
                readonly Box _box = new Box();
                void M(string job) => Parallel.For(0, 10, _ => { _box.Job = job; });
            }
            """);

    [Fact]
    public Task Every_iteration_storing_a_value_it_changes_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Box { public string Job { get; set; } = ""; }
            class C
            {
                readonly Box _box = new Box();
                void M(string job) => Parallel.For(0, 10, i => { [|job = job + i|]; [|_box.Job = job|]; });
            }
            """);

    [Fact]
    public Task Two_threads_storing_different_constants_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int _state;
                void M()
                {
                    new Thread(() => { [|_state = 1|]; }).Start();
                    Task.Run(() => { [|_state = 2|]; });
                }
            }
            """);

    [Fact]
    public Task Lazy_initialization_of_a_reference_and_ref_arguments_only_read_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static string? s_version;
                static object? s_cache;
                static int[] s_buffer = new int[4];
                static int Peek(ref int[] buffer) => buffer.Length;
                static void M() => Parallel.For(0, 10, i =>
                {
                    s_version ??= Environment.Version.ToString();
                    if (s_cache == null) s_cache = new object();
                    Peek(ref s_buffer);
                });
            }
            """);

    [Fact]
    public Task Instance_fields_of_objects_reached_through_calls_need_more_than_two_different_threads_as_evidence()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Buffer { int _length; public void Commit(int n) => _length += n; }
            class Reader { Buffer _buffer = new Buffer(); public void Start() => new Thread(() => _buffer.Commit(1)).Start(); }
            class Writer { Buffer _buffer = new Buffer(); public void Start() => Task.Run(() => _buffer.Commit(2)); }
            class Init { void Build() { var x = new Holder { Value = 1 }; } void M() => Task.Run(() => { var h = new Holder { Value = 2 }; }); }
            class Holder { public int Value { get; set; } }
            """);

    [Fact]
    public Task Objects_created_per_thread_keep_their_fields_to_themselves()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Worker { int _n; public void Run() { _n++; } }
            class C
            {
                void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        var w = new Worker();
                        new Thread(w.Run).Start();
                    }
                }
            }
            """);

    // ---- Code fixes -----------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_turns_an_increment_statement_into_Interlocked_Increment()
        => VerifyFixAsync(Usings + """
            class C
            {
                int count;
                void M() => Parallel.For(0, 100, i => { [|count++|]; });
            }
            """, Usings + """
            class C
            {
                int count;
                void M() => Parallel.For(0, 100, i => { Interlocked.Increment(ref count); });
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.InterlockedKey);

    [Fact]
    public Task Fix_keeps_the_value_of_used_postfix_and_prefix_expressions()
        => VerifyFixAsync(Usings + """
            class C
            {
                int next;
                long remaining = 100;
                void M(Action<long> use) => Parallel.For(0, 100, i =>
                {
                    var ticket = [|next++|];
                    var after = [|++next|];
                    use([|remaining--|]);
                    [|remaining -= i|];
                    use([|remaining += 2 * i|]);
                });
            }
            """, Usings + """
            class C
            {
                int next;
                long remaining = 100;
                void M(Action<long> use) => Parallel.For(0, 100, i =>
                {
                    var ticket = Interlocked.Increment(ref next) - 1;
                    var after = Interlocked.Increment(ref next);
                    use(Interlocked.Decrement(ref remaining) + 1);
                    Interlocked.Add(ref remaining, -i);
                    use(Interlocked.Add(ref remaining, 2 * i));
                });
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.InterlockedKey);

    [Fact]
    public Task Fix_adds_the_using_directive_for_Interlocked()
        => VerifyFixAsync("""
            using System.Threading.Tasks;

            class C
            {
                int count;
                void M() => Parallel.For(0, 100, i => [|count++|]);
            }
            """, """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                int count;
                void M() => Parallel.For(0, 100, i => Interlocked.Increment(ref count));
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.InterlockedKey);

    [Fact]
    public Task Fix_qualifies_Interlocked_when_a_new_using_would_make_an_existing_name_ambiguous()
        => VerifyFixAsync("""
            using System.Threading.Tasks;
            using System.Timers;

            class C
            {
                int count;
                Timer timer = new Timer(5);
                void M() => Parallel.For(0, 100, i => [|count++|]);
            }
            """, """
            using System.Threading.Tasks;
            using System.Timers;

            class C
            {
                int count;
                Timer timer = new Timer(5);
                void M() => Parallel.For(0, 100, i => System.Threading.Interlocked.Increment(ref count));
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.InterlockedKey);

    [Fact]
    public Task No_fix_in_a_member_with_syntax_errors()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                int count;
                void M() { Parallel.For(0, 10, i => { [|count += 1|]; int x = {|CS1525:;|} }); }
            }
            """);

    [Fact]
    public Task Fix_adds_a_lock_field_and_guards_every_access_of_the_storage()
        => VerifyFixAsync(Usings + """
            class C
            {
                double total;
                void M() => Parallel.For(0, 100, i => [|total += i * 0.5|]);
                public double Read()
                {
                    return total;
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();
                double total;
                void M() => Parallel.For(0, 100, i =>
                {
                    lock (_gate)
                    {
                        total += i * 0.5;
                    }
                });
                public double Read()
                {
                    lock (_gate)
                    {
                        return total;
                    }
                }
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task Fix_reuses_the_single_existing_lock_object_and_a_static_lock_for_static_storage()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                string _last = "";
                static string s_name = "";
                void M() => Parallel.For(0, 10, i =>
                {
                    [|_last = i.ToString()|];
                    [|s_name = "x" + i|];
                });
            }
            """, Usings + """
            class C
            {
                private static readonly object s_gate = new object();
                private readonly object _gate = new object();
                string _last = "";
                static string s_name = "";
                void M() => Parallel.For(0, 10, i =>
                {
                    lock (_gate)
                    {
                        _last = i.ToString();
                    }
                    lock (s_gate)
                    {
                        s_name = "x" + i;
                    }
                });
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task Fix_uses_the_lock_the_storage_is_already_written_under()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                string _value = "";
                void Reset() { lock (_b) { _value = ""; } }
                void M() => Task.Run(() =>
                {
                    [|_value = "worker"|];
                });
            }
            """, Usings + """
            class C
            {
                private readonly object _a = new object();
                private readonly object _b = new object();
                string _value = "";
                void Reset() { lock (_b) { _value = ""; } }
                void M() => Task.Run(() =>
                {
                    lock (_b)
                    {
                        _value = "worker";
                    }
                });
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task Fix_declares_a_local_lock_object_for_a_captured_local()
        => VerifyFixAsync(Usings + """
            class C
            {
                double M(double[] xs)
                {
                    double sum = 0;
                    Parallel.ForEach(xs, x =>
                    {
                        [|sum += x|];
                    });
                    return sum;
                }
            }
            """, Usings + """
            class C
            {
                double M(double[] xs)
                {
                    var sumLock = new object();
                    double sum = 0;
                    Parallel.ForEach(xs, x =>
                    {
                        lock (sumLock)
                        {
                            sum += x;
                        }
                    });
                    lock (sumLock)
                    {
                        return sum;
                    }
                }
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task Fix_turns_expression_bodied_members_into_locked_blocks_and_locks_auto_properties()
        => VerifyFixAsync(Usings + """
            class C
            {
                public static decimal Total { get; set; }
                void Add(decimal amount) => [|Total += amount|];
                decimal Read() => Total;
                void M() => Parallel.For(0, 10, i => Add(i));
            }
            """, Usings + """
            class C
            {
                private static readonly object s_gate = new object();
                public static decimal Total { get; set; }
                void Add(decimal amount)
                {
                    lock (s_gate)
                    {
                        Total += amount;
                    }
                }
                decimal Read()
                {
                    lock (s_gate)
                    {
                        return Total;
                    }
                }
                void M() => Parallel.For(0, 10, i => Add(i));
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task Fix_all_applies_Interlocked_to_every_counter_in_the_document()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                int a;
                long b;
                void M() => Parallel.For(0, 10, i => { [|a++|]; [|b += i|]; });
                void N() => Parallel.For(0, 10, i => { [|a--|]; });
            }
            """, Usings + """
            class C
            {
                int a;
                long b;
                void M() => Parallel.For(0, 10, i => { Interlocked.Increment(ref a); Interlocked.Add(ref b, i); });
                void N() => Parallel.For(0, 10, i => { Interlocked.Decrement(ref a); });
            }
            """);

    [Fact]
    public async Task Fix_all_applies_across_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR004UnsynchronizedSharedWriteCodeFix.InterlockedKey };
        test.TestState.Sources.Add(("A.cs", Usings + "class A { int n; void M() => Parallel.For(0, 9, i => [|n++|]); }"));
        test.TestState.Sources.Add(("B.cs", Usings + "class B { int n; void M() => Parallel.For(0, 9, i => [|n--|]); }"));
        test.FixedState.Sources.Add(("A.cs", Usings + "class A { int n; void M() => Parallel.For(0, 9, i => Interlocked.Increment(ref n)); }"));
        test.FixedState.Sources.Add(("B.cs", Usings + "class B { int n; void M() => Parallel.For(0, 9, i => Interlocked.Decrement(ref n)); }"));
        await test.RunAsync();
    }

    [Fact]
    public Task Fix_all_with_locks_shares_one_new_lock_field_per_type()
        => VerifyFixAsync(Usings + """
            class C
            {
                double x;
                string y = "";
                void M() => Parallel.For(0, 10, i =>
                {
                    [|x += 1.5|];
                    [|y = i.ToString()|];
                });
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();
                double x;
                string y = "";
                void M() => Parallel.For(0, 10, i =>
                {
                    lock (_gate)
                    {
                        x += 1.5;
                    }
                    lock (_gate)
                    {
                        y = i.ToString();
                    }
                });
            }
            """, THR004UnsynchronizedSharedWriteCodeFix.LockKey);

    [Fact]
    public Task No_fix_for_a_non_integer_write_in_a_loop_condition_or_next_to_an_await()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                double ratio;
                string text = "";
                void M() => Parallel.For(0, 10, i => { while (([|ratio = i * 0.5|]) > 100) { } });
                void N() => Parallel.For(0, 10, async i => { [|text = await Task.FromResult("x")|]; });
            }
            """);

    [Theory]
    [InlineData("Parallel.For(0, 10, i => count++")]
    [InlineData("Parallel.For(0, 10, i => { count += ; });")]
    [InlineData("new Thread(() => { undefined++; }).Start();")]
    [InlineData("Task.Run(() => { count = ; ")]
    [InlineData("Parallel.ForEach(Unknown, x => { x.Value++; count++; });")]
    [InlineData("ThreadPool.QueueUserWorkItem(Missing); count++;")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { int count; void M() { " + body + " } }");
}
