using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadingAnalyzers.Rules.THR013MonitorWaitPulseMisuseAnalyzer,
    ThreadingAnalyzers.CodeFixes.Rules.THR013MonitorWaitPulseMisuseCodeFix>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR013MonitorWaitPulseMisuseTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    [Fact]
    public Task Wait_guarded_by_if_is_reported_with_the_reason()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                int Take()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0)
                        {
                            {|#0:Monitor.Wait(_gate)|};
                        }

                        return _items.Dequeue();
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.Wait(_gate)",
                "is guarded by 'if' instead of a 'while' loop: after a spurious wake-up, or when another thread consumed the state first, the code goes on with its condition false"));

    [Fact]
    public Task An_unconditional_wait_is_reported_as_a_lost_wake_up()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void AwaitSignal()
                {
                    lock (_gate)
                    {
                        {|#0:Monitor.Wait(_gate)|};
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.Wait(_gate)",
                "is not in a loop that re-checks a condition: a Pulse sent before the Wait is lost and the thread sleeps until the next one, or forever"));

    [Fact]
    public Task Pulse_without_the_lock_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;

                public void Signal()
                {
                    _ready = true;
                    {|#0:Monitor.PulseAll(_gate)|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.PulseAll(_gate)",
                "is called without holding the lock on '_gate': it throws SynchronizationLockException"));

    [Fact]
    public Task Pulse_under_a_lock_on_another_object_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private readonly object _other = new object();

                public void Signal()
                {
                    lock (_other)
                    {
                        {|#0:Monitor.Pulse(_gate)|};
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "Monitor.Pulse(_gate)",
                "is called while holding the lock on '_other' but not on '_gate': it throws SynchronizationLockException"));

    [Fact]
    public Task Wait_in_a_lambda_started_without_the_lock_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    Task.Run(() => [|Monitor.Pulse(_gate)|]);
                }
            }
            """);

    [Fact]
    public Task Wait_in_a_while_loop_under_the_lock_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Buffer
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();

                int Take()
                {
                    lock (_gate)
                    {
                        while (_items.Count == 0)
                        {
                            Monitor.Wait(_gate);
                        }

                        return _items.Dequeue();
                    }
                }

                void Put(int item)
                {
                    lock (_gate)
                    {
                        _items.Enqueue(item);
                        Monitor.Pulse(_gate);
                    }
                }

                bool TryTake(int timeout, out int item)
                {
                    lock (_gate)
                    {
                        while (_items.Count == 0)
                        {
                            if (!Monitor.Wait(_gate, timeout))
                            {
                                item = 0;
                                return false;
                            }
                        }

                        item = _items.Dequeue();
                        return true;
                    }
                }
            }
            """);

    [Fact]
    public Task A_timed_wait_used_as_an_interruptible_sleep_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Poller
            {
                private readonly object _gate = new object();

                void Tick()
                {
                    lock (_gate)
                    {
                        Monitor.Wait(_gate, 1000);
                    }
                }
            }
            """);

    [Fact]
    public Task A_private_helper_called_under_the_lock_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                public void Put()
                {
                    lock (_gate)
                    {
                        Wake();
                    }
                }

                private void Wake() => Monitor.PulseAll(_gate);
            }
            """);

    [Fact]
    public Task Pulse_between_monitor_enter_and_exit_or_on_a_parameter_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                void M()
                {
                    Monitor.Enter(_gate);
                    try { Monitor.Pulse(_gate); } finally { Monitor.Exit(_gate); }
                }

                public void Signal(object gate) => Monitor.Pulse(gate);
            }
            """);

    [Fact]
    public Task A_lock_taken_by_a_wrapper_method_or_under_another_name_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Writer
            {
                private bool _signalled;

                public void Flush()
                {
                    var taken = false;
                    TakeLock(ref taken);
                    if (!_signalled)
                    {
                        Monitor.Wait(this, 1000);
                    }

                    ReleaseLock(ref taken);
                }

                public void Handover(object[] boxes)
                {
                    object last = null;
                    foreach (var box in boxes)
                    {
                        Monitor.Enter(box);
                        if (last != null) Monitor.Exit(last);
                        last = box;
                    }

                    if (last != null && Monitor.Wait(last, 100))
                    {
                        Monitor.Exit(last);
                    }
                }

                private void TakeLock(ref bool taken) => Monitor.TryEnter(this, 1000, ref taken);

                private void ReleaseLock(ref bool taken)
                {
                    if (taken) Monitor.Exit(this);
                }
            }
            """);

    [Fact]
    public async Task A_lock_taken_by_a_wrapper_of_a_base_class_in_another_file_is_not_reported()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("Base.cs", Usings + """
            abstract class StreamWriterBase
            {
                protected void TakeLock(ref bool lockTaken)
                {
                    if (!lockTaken)
                    {
                        EnterCore(ref lockTaken);
                        if (!lockTaken) Throw();
                    }

                    static void Throw() => throw new TimeoutException("Unable to acquire writer lock");
                }

                private void EnterCore(ref bool lockTaken) => Monitor.TryEnter(this, 10_000, ref lockTaken);

                protected void ReleaseLock(ref bool lockTaken)
                {
                    if (lockTaken)
                    {
                        Monitor.Exit(this);
                        lockTaken = false;
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("Writer.cs", Usings + """
            sealed class SwitchableWriter : StreamWriterBase
            {
                private bool _signalled;

                private void CopyOut()
                {
                    bool lockTaken = false;
                    try
                    {
                        while (true)
                        {
                            TakeLock(ref lockTaken);
                            if (!_signalled)
                            {
                                Monitor.Wait(this, 10_000);
                            }

                            _signalled = false;
                            ReleaseLock(ref lockTaken);
                        }
                    }
                    finally
                    {
                        ReleaseLock(ref lockTaken);
                    }
                }

                public void Signal()
                {
                    bool lockTaken = false;
                    try
                    {
                        TakeLock(ref lockTaken);
                        _signalled = true;
                        Monitor.Pulse(this);
                    }
                    finally
                    {
                        ReleaseLock(ref lockTaken);
                    }
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task A_lock_taken_through_an_abstract_lock_taken_wrapper_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            abstract class Channel
            {
                private bool _ready;

                protected abstract void Acquire(ref bool lockTaken);

                private void Ready()
                {
                    var taken = false;
                    Acquire(ref taken);
                    _ready = true;
                    Monitor.PulseAll(this);
                    if (taken) Monitor.Exit(this);
                }
            }
            """);

    [Fact]
    public Task A_helper_with_a_ref_bool_that_takes_no_lock_is_not_a_wrapper()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();

                private void M()
                {
                    var done = false;
                    Check(ref done);
                    [|Monitor.Pulse(_gate)|];
                }

                private void Check(ref bool done) => done = true;
            }
            """);

    [Fact]
    public Task A_timed_wait_whose_result_is_checked_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class Request
            {
                private readonly object _box = new object();
                private bool _sent;

                public bool Send()
                {
                    lock (_box)
                    {
                        if (_sent)
                        {
                            if (Monitor.Wait(_box, 5000))
                            {
                                return true;
                            }
                        }

                        return false;
                    }
                }
            }
            """);

    [Fact]
    public Task If_becomes_while()
        => Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;

                void M()
                {
                    lock (_gate)
                    {
                        // wait for the producer
                        if (!_ready)
                            [|Monitor.Wait(_gate)|];
                    }
                }

                void N()
                {
                    lock (_gate)
                    {
                        if (!_ready) { [|Monitor.Wait(_gate, 100)|]; }
                    }
                }
            }
            """, Usings + """
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;

                void M()
                {
                    lock (_gate)
                    {
                        // wait for the producer
                        while (!_ready)
                            Monitor.Wait(_gate);
                    }
                }

                void N()
                {
                    lock (_gate)
                    {
                        while (!_ready) { Monitor.Wait(_gate, 100); }
                    }
                }
            }
            """);

    [Fact]
    public async Task Fix_all_fixes_across_two_documents()
    {
        var test = new Verify.Test();
        const string Before = "class {0} {{ readonly object _g = new object(); bool _r; void M() {{ lock (_g) {{ if (!_r) [|System.Threading.Monitor.Wait(_g)|]; }} }} }}";
        const string After = "class {0} {{ readonly object _g = new object(); bool _r; void M() {{ lock (_g) {{ while (!_r) System.Threading.Monitor.Wait(_g); }} }} }}";
        test.TestState.Sources.Add(("A.cs", string.Format(System.Globalization.CultureInfo.InvariantCulture, Before, "A")));
        test.TestState.Sources.Add(("B.cs", string.Format(System.Globalization.CultureInfo.InvariantCulture, Before, "B")));
        test.FixedState.Sources.Add(("A.cs", string.Format(System.Globalization.CultureInfo.InvariantCulture, After, "A")));
        test.FixedState.Sources.Add(("B.cs", string.Format(System.Globalization.CultureInfo.InvariantCulture, After, "B")));
        await test.RunAsync();
    }

    [Fact]
    public Task No_fix_when_the_if_does_more_than_wait_or_for_a_pulse()
        => Verify.VerifyNoCodeFixAsync(Usings + """
            class C
            {
                private readonly object _gate = new object();
                private int _waiting;
                private bool _ready;

                void M()
                {
                    lock (_gate)
                    {
                        if (!_ready)
                        {
                            _waiting++;
                            [|Monitor.Wait(_gate)|];
                        }
                        else
                        {
                            _waiting = 0;
                        }
                    }
                }

                public void Signal() => [|Monitor.Pulse(_gate)|];
            }
            """);

    [Theory]
    [InlineData("lock (_g) { if (x) Monitor.Wait(")]
    [InlineData("Monitor.Wait(); Monitor.Pulse(); Monitor.PulseAll();")]
    [InlineData("lock () { Monitor.Wait(_g); }")]
    [InlineData("Monitor.Pulse(Undefined);")]
    [InlineData("Task.Run(() => Monitor.Wait(_g")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { readonly object _g = new(); void M() { " + body + " } }");
}
