using System.Threading.Tasks;
using ThreadingAnalyzers.Tests.Infrastructure;
using Verify = ThreadingAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<
    ThreadingAnalyzers.Rules.THR012ThreadAbortSuspendResumeAnalyzer>;

namespace ThreadingAnalyzers.Tests.Rules;

public class THR012ThreadAbortSuspendResumeTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public Task Abort_is_reported_with_the_call_and_the_failure()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Thread worker)
                {
                    {|#0:worker.Abort()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "worker.Abort()",
                "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework stops the thread at an arbitrary point, possibly inside a lock or a finally block"));

    [Fact]
    public Task Suspend_and_resume_are_reported_with_their_own_reasons()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread _worker = new Thread(() => { });

                void Pause() => {|#0:_worker.Suspend()|};

                void Continue() => {|#1:this._worker.Resume()|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("_worker.Suspend()", "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework can stop the thread while it holds a lock, freezing every thread that needs that lock"),
            Verify.Diagnostic().WithLocation(1).WithArguments("this._worker.Resume()", "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework pairs with Suspend, which can stop a thread while it holds a lock"));

    [Fact]
    public Task Abort_with_state_and_an_unguarded_reset_abort_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Thread worker)
                {
                    [|worker.Abort("stopping")|];
                    [|Thread.ResetAbort()|];
                    try
                    {
                    }
                    catch (InvalidOperationException)
                    {
                        [|Thread.ResetAbort()|];
                    }
                }
            }
            """);

    [Fact]
    public Task Reset_abort_that_only_runs_during_an_abort_is_not_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    try
                    {
                    }
                    catch (ThreadAbortException)
                    {
                        Thread.ResetAbort();
                    }

                    if ((Thread.CurrentThread.ThreadState & ThreadState.AbortRequested) != 0)
                    {
                        try { Thread.ResetAbort(); } catch (PlatformNotSupportedException) { }
                    }
                }
            }
            """);

    [Fact]
    public Task Aborting_the_current_thread_is_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    [|Thread.CurrentThread.Abort()|];
                }
            }
            """);

    [Fact]
    public Task Calls_through_conditional_access_and_in_lambdas_are_reported()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Thread? _worker;

                void M()
                {
                    {|#0:_worker?.Abort()|};
                    Action stop = () => {|#1:_worker!.Suspend()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments(
                "_worker?.Abort()",
                "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework stops the thread at an arbitrary point, possibly inside a lock or a finally block"),
            Verify.Diagnostic().WithLocation(1).WithArguments("_worker!.Suspend()", "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework can stop the thread while it holds a lock, freezing every thread that needs that lock"));

    [Fact]
    public Task A_long_receiver_is_shortened_in_the_message()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Thread[] Workers(int count, string name, bool background) => new Thread[count];

                void M()
                {
                    {|#0:Workers(4, "a rather long worker name", background: true)[0].Resume()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithArguments("Thread.Resume()", "throws PlatformNotSupportedException on .NET Core and .NET 5+, and on .NET Framework pairs with Suspend, which can stop a thread while it holds a lock"));

    [Fact]
    public Task Silent_for_abort_methods_of_other_types()
        => Verify.VerifyAnalyzerAsync(Usings + """
            using System.Net;

            class Transfer
            {
                public void Abort() { }
                public void Suspend() { }
                public void Resume() { }
            }

            static class ThreadExtensions
            {
                public static void Abort(this Thread thread, bool graceful) { }
            }

            class C
            {
                void M(Transfer transfer, HttpWebRequest request, Thread worker)
                {
                    transfer.Abort();
                    transfer.Suspend();
                    transfer.Resume();
                    request.Abort();
                    worker.Abort(graceful: true);
                }
            }
            """);

    [Fact]
    public Task Silent_for_cooperative_stops_interrupt_and_nameof()
        => Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private volatile bool _stop;

                void M(Thread worker, CancellationTokenSource cts)
                {
                    cts.Cancel();
                    _stop = true;
                    worker.Interrupt();
                    worker.Join();
                    var name = nameof(Thread.Abort);
                }
            }
            """);

    [Theory]
    [InlineData("worker.Abort(")]
    [InlineData("worker.Abort(;")]
    [InlineData("Unknown.Abort(); Abort(); this.Suspend();")]
    [InlineData("Thread.ResetAbort(1, 2);")]
    [InlineData("new Thread(() => worker.Suspend()")]
    public Task Broken_code_does_not_crash_the_analyzer(string body)
        => AnalyzerRunner.AssertNoAnalyzerExceptionAsync(Usings + "class C { void M(Thread worker) { " + body + " } }");
}
