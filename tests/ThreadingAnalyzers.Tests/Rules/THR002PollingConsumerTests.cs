using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using ThreadingAnalyzers.CodeFixes.Rules;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR002PollingConsumerAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR002PollingConsumerCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR002PollingConsumerTests
{
    private const string Usings = "using System; using System.Collections.Concurrent; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static Task VerifyFixAsync(string source, string fixedSource, string equivalenceKey)
    {
        var test = new Verify.Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey };

        return test.RunAsync();
    }

    [Fact]
    public Task A_consumer_thread_that_stops_at_an_empty_queue_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

                void Run()
                {
                    var consumer = new Thread(() =>
                    {
                        while ({|#0:!_queue.IsEmpty|})
                        {
                            if (_queue.TryDequeue(out var item)) Console.WriteLine(item);
                        }
                    });
                    consumer.Start();
                    for (var i = 0; i < 10; i++) _queue.Enqueue(i);
                    consumer.Join();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop gives up on an empty", "_queue", "'Run'", "items added after that are never processed"));

    [Fact]
    public Task The_creator_that_drains_while_the_producer_task_still_runs_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new ConcurrentQueue<string>();
                    var producer = Task.Run(() =>
                    {
                        foreach (var line in new[] { "a", "b" }) queue.Enqueue(line);
                    });
                    while ({|#0:queue.Count > 0|})
                    {
                        queue.TryDequeue(out var line);
                        Console.WriteLine(line);
                    }

                    producer.Wait();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop gives up on an empty", "queue", "the Task.Run callback", "items added after that are never processed"));

    [Fact]
    public Task A_blocking_collection_consumer_testing_count_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(Consume);

                private void Consume()
                {
                    while ([|_items.Count != 0|])
                    {
                        var item = _items.Take();
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task A_one_shot_emptiness_check_at_the_top_of_a_thread_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var stack = new ConcurrentStack<int>();
                    var consumer = new Thread(() =>
                    {
                        if ({|#0:stack.Any()|})
                        {
                            stack.TryPop(out var top);
                            Console.WriteLine(top);
                        }
                    });
                    consumer.Start();
                    stack.Push(1);
                    consumer.Join();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This check gives up on an empty", "stack", "'Run'", "items added after that are never processed"));

    [Fact]
    public Task An_empty_spin_on_try_dequeue_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new ConcurrentQueue<int>();
                    Task.Run(() => queue.Enqueue(42));
                    int item;
                    while ({|#0:!queue.TryDequeue(out item)|}) { }
                    Console.WriteLine(item);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins on TryDequeue of", "queue", "the Task.Run callback", "it burns a core until an item arrives"));

    [Fact]
    public Task A_sleeping_spin_on_try_take_inside_the_if_break_form_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentBag<int> _bag = new ConcurrentBag<int>();

                public void Add(int value) => _bag.Add(value);

                public void Start() => new Thread(Worker).Start();

                private void Worker()
                {
                    int item;
                    while (true)
                    {
                        if ({|#0:_bag.TryTake(out item)|}) break;
                        Thread.Sleep(10);
                    }

                    Console.WriteLine(item);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins on TryTake of", "_bag", "'Add' on another thread", "it sleeps in Thread.Sleep between polls, wasting CPU and reacting late"));

    [Fact]
    public Task A_worker_that_polls_try_dequeue_and_sleeps_when_empty_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<string> _jobs = new ConcurrentQueue<string>();

                public void Submit(string job) => _jobs.Enqueue(job);

                public void Start() => new Thread(() =>
                {
                    while (true)
                    {
                        if ({|#0:_jobs.TryDequeue(out var job)|}) Console.WriteLine(job);
                        else Thread.Sleep(10);
                    }
                }).Start();
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins on TryDequeue of", "_jobs", "'Submit' on another thread", "it sleeps in Thread.Sleep between polls, wasting CPU and reacting late"));

    [Fact]
    public Task A_hot_polling_loop_with_a_stop_flag_is_reported_without_a_fix()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();
                private volatile bool _stop;

                public void Produce(int item) => _items.Add(item);

                public void Stop() => _stop = true;

                public void Start() => Task.Run(() =>
                {
                    while (!_stop)
                    {
                        if ({|#0:_items.TryTake(out var item)|})
                        {
                            Console.WriteLine(item);
                        }
                    }
                });
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins on TryTake of", "_items", "'Produce' on another thread", "it burns a core whenever the collection is empty"));

    [Fact]
    public Task A_poll_that_waits_on_an_event_when_empty_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private readonly AutoResetEvent _added = new AutoResetEvent(false);

                public void Add(int value) { _queue.Enqueue(value); _added.Set(); }

                public void Start() => new Thread(() =>
                {
                    while (true)
                    {
                        if (_queue.TryDequeue(out var item)) Console.WriteLine(item);
                        else _added.WaitOne(100);
                    }
                }).Start();
            }
            """);

    [Fact]
    public Task An_endless_polling_loop_becomes_a_consuming_foreach()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(() =>
                {
                    while (true)
                    {
                        if ([|_items.TryTake(out var item)|])
                        {
                            Console.WriteLine(item);
                        }
                        else
                        {
                            Thread.Sleep(1);
                        }
                    }
                });
            }
            """, Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(() =>
                {
                    foreach (var item in _items.GetConsumingEnumerable())
                    {
                        Console.WriteLine(item);
                    }
                });
            }
            """,
            THR002PollingConsumerCodeFix.ConsumingEnumerableKey);

    [Fact]
    public Task Draining_after_the_producer_is_joined_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new ConcurrentQueue<int>();
                    var producer = new Thread(() => { for (var i = 0; i < 10; i++) queue.Enqueue(i); });
                    producer.Start();
                    producer.Join();
                    while (!queue.IsEmpty)
                    {
                        queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task Draining_after_awaiting_the_producer_task_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Run()
                {
                    var queue = new ConcurrentQueue<int>();
                    var producer = Task.Run(() => queue.Enqueue(1));
                    await producer;
                    while (queue.Count > 0)
                    {
                        queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task A_periodic_flush_that_takes_what_is_there_now_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<string> _pending = new ConcurrentQueue<string>();

                public void Log(string line) => _pending.Enqueue(line);

                public void Start() => new Thread(Flusher).Start();

                private void Flusher()
                {
                    while (true)
                    {
                        while (_pending.TryDequeue(out var line)) Console.WriteLine(line);
                        Thread.Sleep(1000);
                    }
                }
            }
            """);

    [Fact]
    public Task A_drain_after_waiting_for_a_signal_in_an_outer_loop_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private readonly AutoResetEvent _added = new AutoResetEvent(false);
                private volatile bool _stop;

                public void Add(int value) { _queue.Enqueue(value); _added.Set(); }

                public void Start() => new Thread(() =>
                {
                    while (!_stop)
                    {
                        _added.WaitOne();
                        while (!_queue.IsEmpty)
                        {
                            _queue.TryDequeue(out var item);
                            Console.WriteLine(item);
                        }
                    }
                }).Start();
            }
            """);

    [Fact]
    public Task A_flush_method_that_a_worker_calls_periodically_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private volatile bool _stop;

                public void Add(int value) => _queue.Enqueue(value);

                public void Start() => new Thread(() =>
                {
                    while (!_stop)
                    {
                        Flush();
                        Thread.Sleep(100);
                    }
                }).Start();

                private void Flush()
                {
                    while (_queue.Count > 0)
                    {
                        _queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task A_try_take_with_a_timeout_or_a_token_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start(CancellationToken token) => Task.Run(() => Consume(token));

                private void Consume(CancellationToken token)
                {
                    int item;
                    while (!_items.TryTake(out item, 100)) { }
                    while (!_items.TryTake(out item, Timeout.Infinite, token)) { }
                    Console.WriteLine(item);
                }
            }
            """);

    [Fact]
    public Task A_blocking_consumer_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(() =>
                {
                    foreach (var item in _items.GetConsumingEnumerable()) Console.WriteLine(item);
                });
            }
            """);

    [Fact]
    public Task Single_threaded_code_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void Run()
                {
                    var queue = new ConcurrentQueue<int>();
                    queue.Enqueue(1);
                    while (!queue.IsEmpty)
                    {
                        queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task A_timer_callback_that_flushes_the_queue_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private Timer? _timer;

                public void Add(int value) => _queue.Enqueue(value);

                public void Start() => _timer = new Timer(_ =>
                {
                    while (!_queue.IsEmpty)
                    {
                        _queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }, null, 0, 1000);
            }
            """);

    [Fact]
    public Task A_flush_method_with_no_known_order_against_the_producer_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

                public void Start() => Task.Run(() => _queue.Enqueue(1));

                public void Flush()
                {
                    while (_queue.Count > 0)
                    {
                        _queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """);

    [Fact]
    public Task A_queue_passed_in_from_outside_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public ConcurrentQueue<int> Queue = new ConcurrentQueue<int>();

                public void Start() => Task.Run(() =>
                {
                    while (!Queue.IsEmpty)
                    {
                        Queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                });
            }
            """);

    [Fact]
    public Task A_loop_that_waits_for_the_producer_to_finish_does_not_give_up_but_spins()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();
                private volatile bool _producerDone;

                public void Produce() { _queue.Enqueue(1); _producerDone = true; }

                public void Start() => new Thread(() =>
                {
                    while (!_producerDone || !_queue.IsEmpty)
                    {
                        if ({|#0:_queue.TryDequeue(out var item)|}) Console.WriteLine(item);
                    }
                }).Start();
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("This loop spins on TryDequeue of", "_queue", "'Produce' on another thread", "it burns a core whenever the collection is empty"));

    [Fact]
    public Task A_plain_queue_is_left_to_THR007()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Generic;
            class C
            {
                private readonly Queue<int> _queue = new Queue<int>();
                private readonly object _gate = new object();

                public void Add(int value) { lock (_gate) _queue.Enqueue(value); }

                public void Start() => Task.Run(() =>
                {
                    lock (_gate)
                    {
                        while (_queue.Count > 0) Console.WriteLine(_queue.Dequeue());
                    }
                });
            }
            """);

    [Fact]
    public Task The_count_loop_becomes_a_consuming_foreach()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(Consume);

                private void Consume()
                {
                    // consume everything
                    while ([|_items.Count > 0|])
                    {
                        var item = _items.Take();
                        Console.WriteLine(item);
                    }
                }
            }
            """, Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(Consume);

                private void Consume()
                {
                    // consume everything
                    foreach (var item in _items.GetConsumingEnumerable())
                    {
                        Console.WriteLine(item);
                    }
                }
            }
            """,
            THR002PollingConsumerCodeFix.ConsumingEnumerableKey);

    [Fact]
    public Task A_try_take_guarded_body_becomes_the_foreach_body()
        => VerifyFixAsync(Usings + """
            class C
            {
                void Run()
                {
                    var items = new BlockingCollection<string>();
                    var consumer = new Thread(() =>
                    {
                        while ([|items.Any()|])
                        {
                            if (items.TryTake(out string? line))
                            {
                                Console.WriteLine(line);
                            }
                        }
                    });
                    consumer.Start();
                    items.Add("a");
                    consumer.Join();
                }
            }
            """, Usings + """
            class C
            {
                void Run()
                {
                    var items = new BlockingCollection<string>();
                    var consumer = new Thread(() =>
                    {
                        foreach (string? line in items.GetConsumingEnumerable())
                        {
                            Console.WriteLine(line);
                        }
                    });
                    consumer.Start();
                    items.Add("a");
                    consumer.Join();
                }
            }
            """,
            THR002PollingConsumerCodeFix.ConsumingEnumerableKey);

    [Fact]
    public Task A_spin_on_try_take_becomes_a_blocking_take()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => new Thread(Worker).Start();

                private void Worker()
                {
                    int item;
                    while ([|!_items.TryTake(out item)|])
                    {
                        Thread.Sleep(1);
                    }

                    Console.WriteLine(item);
                }
            }
            """, Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => new Thread(Worker).Start();

                private void Worker()
                {
                    int item;
                    item = _items.Take();

                    Console.WriteLine(item);
                }
            }
            """,
            THR002PollingConsumerCodeFix.TakeKey);

    [Fact]
    public Task No_fix_when_the_body_writes_the_item()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly BlockingCollection<int> _items = new BlockingCollection<int>();

                public void Produce(int item) => _items.Add(item);

                public void Start() => Task.Run(() =>
                {
                    while ([|_items.Count > 0|])
                    {
                        var item = _items.Take();
                        item *= 2;
                        Console.WriteLine(item);
                    }
                });
            }
            """);

    [Fact]
    public Task No_conversion_when_the_queue_is_handed_out()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

                public void Start(ConcurrentQueue<int> other) => Task.Run(() =>
                {
                    while ([|!_queue.IsEmpty|])
                    {
                        _queue.TryDequeue(out var item);
                        other.Enqueue(item);
                    }
                });

                public void Add(int value) => _queue.Enqueue(value);

                public ConcurrentQueue<int> Queue => _queue;
            }
            """);

    [Fact]
    public Task A_concurrent_queue_field_becomes_a_blocking_collection()
        => VerifyFixAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

                public void Add(int value) => _queue.Enqueue(value);

                public int Pending => _queue.Count;

                public bool Idle => _queue.IsEmpty;

                public void Start() => new Thread(() =>
                {
                    while ([|!_queue.IsEmpty|])
                    {
                        if (_queue.TryDequeue(out var item))
                        {
                            Console.WriteLine(item);
                        }
                    }
                }).Start();
            }
            """, Usings + """
            class C
            {
                private readonly BlockingCollection<int> _queue = new BlockingCollection<int>(new ConcurrentQueue<int>());

                public void Add(int value) => _queue.Add(value);

                public int Pending => _queue.Count;

                public bool Idle => _queue.Count == 0;

                public void Start() => new Thread(() =>
                {
                    foreach (var item in _queue.GetConsumingEnumerable())
                    {
                        Console.WriteLine(item);
                    }
                }).Start();
            }
            """,
            THR002PollingConsumerCodeFix.BlockingCollectionKey);

    [Fact]
    public Task A_concurrent_stack_local_becomes_a_blocking_collection()
        => VerifyFixAsync(Usings + """
            class C
            {
                void Run()
                {
                    var stack = new ConcurrentStack<string>();
                    var producer = Task.Run(() => stack.Push("a"));
                    while ([|stack.Count > 0|])
                    {
                        stack.TryPop(out var top);
                        Console.WriteLine(top);
                    }

                    producer.Wait();
                }
            }
            """, Usings + """
            class C
            {
                void Run()
                {
                    var stack = new BlockingCollection<string>(new ConcurrentStack<string>());
                    var producer = Task.Run(() => stack.Add("a"));
                    foreach (var top in stack.GetConsumingEnumerable())
                    {
                        Console.WriteLine(top);
                    }

                    producer.Wait();
                }
            }
            """,
            THR002PollingConsumerCodeFix.BlockingCollectionKey);

    [Fact]
    public Task The_conversion_keeps_qualified_names_qualified()
        => VerifyFixAsync("""
            using System;
            using System.Threading.Tasks;

            class C
            {
                private System.Collections.Concurrent.ConcurrentBag<int> _bag = new System.Collections.Concurrent.ConcurrentBag<int>();

                public void Start()
                {
                    Task.Run(() => _bag.Add(1));
                    Task.Run(() =>
                    {
                        while ([|_bag.Count != 0|])
                        {
                            _bag.TryTake(out var item);
                            Console.WriteLine(item);
                        }
                    });
                }
            }
            """, """
            using System;
            using System.Threading.Tasks;

            class C
            {
                private System.Collections.Concurrent.BlockingCollection<int> _bag = new System.Collections.Concurrent.BlockingCollection<int>(new System.Collections.Concurrent.ConcurrentBag<int>());

                public void Start()
                {
                    Task.Run(() => _bag.Add(1));
                    Task.Run(() =>
                    {
                        foreach (var item in _bag.GetConsumingEnumerable())
                        {
                            Console.WriteLine(item);
                        }
                    });
                }
            }
            """,
            THR002PollingConsumerCodeFix.BlockingCollectionKey);

    [Fact]
    public Task No_conversion_when_a_use_has_no_blocking_collection_equivalent()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly ConcurrentQueue<int> _queue = new ConcurrentQueue<int>();

                public void Add(int value) => _queue.Enqueue(value);

                public int[] Snapshot() => _queue.ToArray();

                public void Start() => Task.Run(() =>
                {
                    while ([|!_queue.IsEmpty|])
                    {
                        _queue.TryDequeue(out var item);
                        Console.WriteLine(item);
                    }
                });
            }
            """);

    [Fact]
    public async Task Fix_all_rewrites_every_loop_in_two_documents()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR002PollingConsumerCodeFix.ConsumingEnumerableKey };
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly BlockingCollection<int> _a = new BlockingCollection<int>();
                private readonly BlockingCollection<int> _b = new BlockingCollection<int>();

                public void Add(int value) { _a.Add(value); _b.Add(value); }

                public void Start() => Task.Run(() =>
                {
                    while ([|_a.Count > 0|])
                    {
                        var x = _a.Take();
                        Console.WriteLine(x);
                    }

                    while ([|_b.Count != 0|])
                    {
                        var y = _b.Take();
                        Console.WriteLine(y);
                    }
                });
            }
            """));
        test.TestState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void Run()
                {
                    var items = new BlockingCollection<string>();
                    Task.Run(() => items.Add("b"));
                    while ([|items.Count > 0|])
                    {
                        items.TryTake(out var item);
                        Console.WriteLine(item);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly BlockingCollection<int> _a = new BlockingCollection<int>();
                private readonly BlockingCollection<int> _b = new BlockingCollection<int>();

                public void Add(int value) { _a.Add(value); _b.Add(value); }

                public void Start() => Task.Run(() =>
                {
                    foreach (var x in _a.GetConsumingEnumerable())
                    {
                        Console.WriteLine(x);
                    }

                    foreach (var y in _b.GetConsumingEnumerable())
                    {
                        Console.WriteLine(y);
                    }
                });
            }
            """));
        test.FixedState.Sources.Add(("B.cs", Usings + """
            class B
            {
                void Run()
                {
                    var items = new BlockingCollection<string>();
                    Task.Run(() => items.Add("b"));
                    foreach (var item in items.GetConsumingEnumerable())
                    {
                        Console.WriteLine(item);
                    }
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_converts_every_queue_of_a_document_once()
    {
        var test = new Verify.Test { CodeActionEquivalenceKey = THR002PollingConsumerCodeFix.BlockingCollectionKey };
        test.TestState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly ConcurrentQueue<int> _numbers = new ConcurrentQueue<int>();
                private readonly ConcurrentQueue<string> _names = new();

                public void Add(int number, string name)
                {
                    _numbers.Enqueue(number);
                    _names.Enqueue(name);
                }

                public void Start()
                {
                    Task.Run(() =>
                    {
                        while ([|!_numbers.IsEmpty|])
                        {
                            _numbers.TryDequeue(out var number);
                            Console.WriteLine(number);
                        }
                    });
                    Task.Run(() =>
                    {
                        while ([|_names.Count > 0|])
                        {
                            _names.TryDequeue(out var name);
                            Console.WriteLine(name);
                        }
                    });
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", Usings + """
            class A
            {
                private readonly BlockingCollection<int> _numbers = new BlockingCollection<int>(new ConcurrentQueue<int>());
                private readonly BlockingCollection<string> _names = new BlockingCollection<string>(new ConcurrentQueue<string>());

                public void Add(int number, string name)
                {
                    _numbers.Add(number);
                    _names.Add(name);
                }

                public void Start()
                {
                    Task.Run(() =>
                    {
                        foreach (var number in _numbers.GetConsumingEnumerable())
                        {
                            Console.WriteLine(number);
                        }
                    });
                    Task.Run(() =>
                    {
                        foreach (var name in _names.GetConsumingEnumerable())
                        {
                            Console.WriteLine(name);
                        }
                    });
                }
            }
            """));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("while (!q.IsEmpty) { q.TryDequeue(out var x) }")]
    [InlineData("while (q.Count > ) { q.TryDequeue(out var x); }")]
    [InlineData("while (!q.TryDequeue(out )) { }")]
    [InlineData("if (Missing.IsEmpty) { Missing.TryDequeue(out var x); }")]
    [InlineData("while (!q.TryTake(out var y)) Thread.")]
    [InlineData("while (q.Any( { }")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M() { var q = new ConcurrentQueue<int>(); Task.Run(() => q.Enqueue(1)); " + body + " } }");
}
