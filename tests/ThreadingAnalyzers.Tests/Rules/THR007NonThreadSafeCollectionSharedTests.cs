using System.Threading.Tasks;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR007NonThreadSafeCollectionSharedAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR007NonThreadSafeCollectionSharedCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR007NonThreadSafeCollectionSharedTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
    {
        var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };
        return test.RunAsync();
    }

    // ---- Reported -------------------------------------------------------------------------------------------

    [Fact]
    public Task A_list_filled_by_every_Parallel_For_iteration_is_reported_with_the_reason()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                List<int> M()
                {
                    var results = new List<int>();
                    Parallel.For(0, 100, i => {|#0:results.Add(i * i)|});
                    return results;
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("results", "List<int>", "every Parallel.For iteration calls Add on it"));

    [Fact]
    public Task A_dictionary_written_through_its_indexer_by_Parallel_ForEach_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Dictionary<string, int> _lengths = new Dictionary<string, int>();
                void M(string[] words) => Parallel.ForEach(words, w => { {|#0:_lengths[w] = w.Length|}; });
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_lengths", "Dictionary<string, int>", "every Parallel.ForEach iteration stores into it through the indexer"));

    [Fact]
    public Task A_queue_fed_by_threads_started_in_a_loop_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static readonly Queue<string> Jobs = new Queue<string>();
                static void M()
                {
                    for (var i = 0; i < 4; i++)
                    {
                        new Thread(() => [|Jobs.Enqueue("job")|]).Start();
                    }
                }
            }
            """);

    [Fact]
    public Task A_consumer_thread_dequeuing_while_its_creator_enqueues_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var queue = new Queue<int>();
                    var consumer = new Thread(() =>
                    {
                        while ({|#0:queue.TryDequeue(out var item)|}) { Console.WriteLine(item); }
                    });
                    consumer.Start();
                    for (var i = 0; i < 10; i++) queue.Enqueue(i);
                    consumer.Join();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("queue", "Queue<int>", "the new Thread body calls TryDequeue on it while the code that started it also uses it").WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task A_set_mutated_by_one_task_while_another_reads_it_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly HashSet<int> _seen = new HashSet<int>();
                void M()
                {
                    var writer = Task.Run(() => { for (var i = 0; i < 1000; i++) [|_seen.Add(i)|]; });
                    var reader = Task.Run(() => _seen.Contains(5));
                    Task.WaitAll(writer, reader);
                }
            }
            """);

    [Fact]
    public Task A_dictionary_counter_updated_in_PLINQ_ForAll_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Dictionary<char, int> Count(string[] words)
                {
                    var counts = new Dictionary<char, int> { ['a'] = 0 };
                    words.AsParallel().ForAll(w => [|counts['a']++|]);
                    return counts;
                }
            }
            """);

    [Fact]
    public Task A_mutation_in_a_method_reached_from_a_region_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly List<string> _log = new List<string>();
                void Record(int i) => [|_log.Add(i.ToString())|];
                void M() => Parallel.For(0, 10, i => Record(i));
            }
            """);

    [Theory]
    [InlineData("Stack<int>", "new Stack<int>()", "Push(1)")]
    [InlineData("LinkedList<int>", "new LinkedList<int>()", "AddLast(1)")]
    [InlineData("SortedDictionary<int, int>", "new SortedDictionary<int, int>()", "Remove(1)")]
    [InlineData("SortedSet<int>", "new SortedSet<int>()", "Add(1)")]
    [InlineData("SortedList<int, int>", "new SortedList<int, int>()", "Clear()")]
    public Task Every_non_thread_safe_collection_type_is_covered(string type, string creation, string call)
        => Verify.VerifyAnalyzerAsync(Usings + $$"""
            class C
            {
                private readonly {{type}} _items = {{creation}};
                void M() => Parallel.For(0, 10, i => [|_items.{{call}}|]);
            }
            """);

    // ---- Not reported ---------------------------------------------------------------------------------------

    [Fact]
    public Task Concurrent_and_immutable_collections_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Concurrent;
            using System.Collections.Immutable;
            class C
            {
                private readonly ConcurrentBag<int> _bag = new ConcurrentBag<int>();
                private readonly ConcurrentDictionary<int, int> _map = new ConcurrentDictionary<int, int>();
                private ImmutableList<int> _list = ImmutableList<int>.Empty;
                void M() => Parallel.For(0, 10, i => { _bag.Add(i); _map[i] = i; _map.TryAdd(i, i); var next = _list.Add(i); });
            }
            """);

    [Fact]
    public Task Mutations_under_a_lock_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly List<int> _items = new List<int>();
                void M() => Parallel.For(0, 10, i => { lock (_gate) { _items.Add(i); } });
            }
            """);

    [Fact]
    public Task Collections_created_in_the_region_and_thread_local_ones_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static readonly ThreadLocal<List<int>> PerThread = new ThreadLocal<List<int>>(() => new List<int>());
                void M() => Parallel.For(0, 10, i =>
                {
                    var mine = new List<int>();
                    mine.Add(i);
                    PerThread.Value!.Add(i);
                });
            }
            """);

    [Fact]
    public Task Reads_alone_are_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly Dictionary<int, string> _names = new Dictionary<int, string> { [1] = "one" };
                void M() => Parallel.For(0, 10, i => Console.WriteLine(_names.TryGetValue(i, out var n) ? n : _names.Count.ToString()));
            }
            """);

    [Fact]
    public Task Filling_before_the_threads_start_and_reading_after_they_are_joined_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var items = new List<int>();
                    items.Add(1);
                    var total = 0;
                    var t = new Thread(() => { foreach (var x in items) Interlocked.Add(ref total, x); });
                    t.Start();
                    t.Join();
                    items.Clear();
                }
            }
            """);

    [Fact]
    public Task Storing_into_a_presized_list_by_index_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    var results = new List<int>(new int[100]);
                    Parallel.For(0, 100, i => results[i] = i * i);
                }
            }
            """);

    [Fact]
    public Task A_task_that_alone_mutates_a_list_while_its_creator_waits_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> M()
                {
                    var items = new List<int>();
                    await Task.Run(() => { for (var i = 0; i < 10; i++) items.Add(i); });
                    items.Add(99);
                    return items.Count;
                }
            }
            """);

    [Fact]
    public Task Parallel_For_with_per_worker_lists_merged_under_a_lock_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                List<int> M()
                {
                    var all = new List<int>();
                    Parallel.For(0, 100, () => new List<int>(), (i, state, mine) => { mine.Add(i); return mine; }, mine => { lock (_gate) { all.AddRange(mine); } });
                    return all;
                }
            }
            """);

    [Fact]
    public Task Code_with_no_concurrent_region_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly List<int> _items = new List<int>();
                void M(int[] xs)
                {
                    foreach (var x in xs) _items.Add(x);
                    xs.ToList().ForEach(x => _items.Remove(x));
                }
            }
            """);

    // ---- Code fixes -----------------------------------------------------------------------------------------

    [Fact]
    public Task Fix_wraps_the_mutation_and_the_other_accesses_in_a_lock()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly List<int> _squares = new List<int>();
                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        [|_squares.Add(i * i)|];
                    });
                }

                public int Count()
                {
                    return _squares.Count;
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly List<int> _squares = new List<int>();
                void M()
                {
                    Parallel.For(0, 100, i =>
                    {
                        lock (_gate)
                        {
                            _squares.Add(i * i);
                        }
                    });
                }

                public int Count()
                {
                    lock (_gate)
                    {
                        return _squares.Count;
                    }
                }
            }
            """, THR007NonThreadSafeCollectionSharedCodeFix.LockKey);

    [Fact]
    public Task Fix_declares_a_local_lock_object_for_a_captured_list()
        => VerifyFixAsync(Usings + """
            class C
            {
                List<string> M(string[] names)
                {
                    var upper = new List<string>();
                    Parallel.ForEach(names, name =>
                    {
                        [|upper.Add(name.ToUpperInvariant())|];
                    });
                    return upper;
                }
            }
            """, Usings + """
            class C
            {
                List<string> M(string[] names)
                {
                    var upperLock = new object();
                    var upper = new List<string>();
                    Parallel.ForEach(names, name =>
                    {
                        lock (upperLock)
                        {
                            upper.Add(name.ToUpperInvariant());
                        }
                    });
                    lock (upperLock)
                    {
                        return upper;
                    }
                }
            }
            """, THR007NonThreadSafeCollectionSharedCodeFix.LockKey);

    [Fact]
    public Task Fix_swaps_a_queue_used_with_Enqueue_and_TryDequeue_for_ConcurrentQueue()
        => VerifyFixAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly Queue<int> _work = new Queue<int>();
                void Produce() => Parallel.For(0, 10, i => [|_work.Enqueue(i)|]);
                bool Next(out int item) => _work.TryDequeue(out item);
                int Pending => _work.Count;
            }
            """, """
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly ConcurrentQueue<int> _work = new ConcurrentQueue<int>();
                void Produce() => Parallel.For(0, 10, i => _work.Enqueue(i));
                bool Next(out int item) => _work.TryDequeue(out item);
                int Pending => _work.Count;
            }
            """, THR007NonThreadSafeCollectionSharedCodeFix.ConcurrentKey);

    [Fact]
    public Task Fix_swaps_a_dictionary_cache_for_ConcurrentDictionary()
        => VerifyFixAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly Dictionary<int, long> _cache = new();
                void Fill() => Parallel.For(0, 10, i => { [|_cache[i] = (long)i * i|]; });
                public bool TryGet(int key, out long value) => _cache.TryGetValue(key, out value);
            }
            """, """
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                private readonly ConcurrentDictionary<int, long> _cache = new();
                void Fill() => Parallel.For(0, 10, i => { _cache[i] = (long)i * i; });
                public bool TryGet(int key, out long value) => _cache.TryGetValue(key, out value);
            }
            """, THR007NonThreadSafeCollectionSharedCodeFix.ConcurrentKey);

    [Theory]
    [InlineData("List<int> _items = new List<int>();", "[|_items.Add(i)|];", "_items.Add(i);")]
    [InlineData("Queue<int> _items = new Queue<int>(16);", "[|_items.Enqueue(i)|];", "_items.Enqueue(i);")]
    [InlineData("Queue<int> _items = new Queue<int>();", "[|_items.Dequeue()|];", "_items.Dequeue();")]
    public Task No_type_swap_where_the_semantics_would_change_only_the_lock(string declaration, string statement, string fixedStatement)
    {
        var test = new Verify.Test
        {
            TestCode = Usings + $$"""
                class C
                {
                    private readonly {{declaration}}
                    void M() => Parallel.For(0, 10, i =>
                    {
                        {{statement}}
                    });
                }
                """,
            FixedCode = Usings + $$"""
                class C
                {
                    private readonly object _gate = new object();
                    private readonly {{declaration}}
                    void M() => Parallel.For(0, 10, i =>
                    {
                        lock (_gate)
                        {
                            {{fixedStatement}}
                        }
                    });
                }
                """,
            CodeActionIndex = 0,
            CodeActionVerifier = (action, verifier) => verifier.True(action.Title.StartsWith("Protect", System.StringComparison.Ordinal), action.Title),
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_locks_a_check_then_act_on_a_dictionary_as_a_whole_and_offers_no_swap()
    {
        var test = new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    private readonly Dictionary<int, int> _items = new Dictionary<int, int>();
                    void M() => Parallel.For(0, 10, i =>
                    {
                        if (!_items.ContainsKey(i))
                        {
                            [|_items[i] = i|];
                        }
                    });
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<int, int> _items = new Dictionary<int, int>();
                    void M() => Parallel.For(0, 10, i =>
                    {
                        lock (_gate)
                        {
                            if (!_items.ContainsKey(i))
                            {
                                _items[i] = i;
                            }
                        }
                    });
                }
                """,
            CodeActionIndex = 0,
            CodeActionVerifier = (action, verifier) => verifier.True(action.Title.StartsWith("Protect", System.StringComparison.Ordinal), action.Title),
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_locks_every_shared_collection_of_the_document_with_one_lock_field()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly List<int> _a = new List<int>();
                private readonly HashSet<int> _b = new HashSet<int>();
                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        [|_a.Add(i)|];
                        [|_b.Add(i)|];
                    });
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly List<int> _a = new List<int>();
                private readonly HashSet<int> _b = new HashSet<int>();
                void M()
                {
                    Parallel.For(0, 10, i =>
                    {
                        lock (_gate)
                        {
                            _a.Add(i);
                        }
                        lock (_gate)
                        {
                            _b.Add(i);
                        }
                    });
                }
            }
            """, THR007NonThreadSafeCollectionSharedCodeFix.LockKey);

    [Fact]
    public async Task Fix_all_swaps_across_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR007NonThreadSafeCollectionSharedCodeFix.ConcurrentKey };
        const string Head = "using System.Collections.Generic;\nusing System.Threading.Tasks;\n";
        const string FixedHead = "using System.Collections.Concurrent;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";
        test.TestState.Sources.Add(("A.cs", Head + "class A { private readonly Stack<int> _s = new Stack<int>(); void M() => Parallel.For(0, 9, i => [|_s.Push(i)|]); }"));
        test.TestState.Sources.Add(("B.cs", Head + "class B { private readonly Queue<int> _q = new Queue<int>(); void M() => Parallel.For(0, 9, i => [|_q.Enqueue(i)|]); }"));
        test.FixedState.Sources.Add(("A.cs", FixedHead + "class A { private readonly ConcurrentStack<int> _s = new ConcurrentStack<int>(); void M() => Parallel.For(0, 9, i => _s.Push(i)); }"));
        test.FixedState.Sources.Add(("B.cs", FixedHead + "class B { private readonly ConcurrentQueue<int> _q = new ConcurrentQueue<int>(); void M() => Parallel.For(0, 9, i => _q.Enqueue(i)); }"));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_the_mutation_sits_in_a_loop_condition_of_a_list_passed_elsewhere()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly List<int> _items = new List<int>();
                void Use(List<int> items) { }
                void M() => Parallel.For(0, 10, i => { while ([|_items.Remove(i)|]) { } Use(_items); });
            }
            """);

    [Theory]
    [InlineData("Parallel.For(0, 10, i => list.Add(")]
    [InlineData("Parallel.For(0, 10, i => { list[ = 3; });")]
    [InlineData("new Thread(() => { unknown.Add(1); }).Start();")]
    [InlineData("Task.Run(() => list.Add(1)")]
    [InlineData("Parallel.ForEach(Missing, x => { x.Items.Add(1); list.Clear(); });")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { List<int> list = new List<int>(); void M() { " + body + " } }");
}
