using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

/// <summary>The tree-only shortcut <see cref="ReleaseGuarantee.IsCoveredByFinally"/> never claims more than the graph check.</summary>
public class ReleaseGuaranteeTests
{
    private static ConcurrencyTestHelper Compile(string body) => ConcurrencyTestHelper.Create($$"""
        class C
        {
            readonly object _sync = new object();
            readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            int count;

            async Task M(bool flag)
            {
                {{body}}
            }

            void Log() { }
        }
        """);

    [Theory]
    [InlineData("/*a*/Monitor.Enter(_sync); try { count++; } finally { Monitor.Exit(_sync); }", true)]
    [InlineData("/*a*/Monitor.Enter(_sync); try { count++; } catch (InvalidOperationException) { } finally { Log(); Monitor.Exit(_sync); }", true)]
    [InlineData("var taken = false; try { /*a*/Monitor.Enter(_sync, ref taken); count++; } finally { if (taken) Monitor.Exit(_sync); }", true)]
    [InlineData("try { if (/*a*/Monitor.TryEnter(_sync)) count++; } finally { if (Monitor.IsEntered(_sync)) Monitor.Exit(_sync); }", true)]
    [InlineData("await /*a*/_semaphore.WaitAsync(); try { count++; } finally { _semaphore.Release(); }", true)]
    [InlineData("await /*a*/_semaphore.WaitAsync().ConfigureAwait(false); try { count++; } finally { _semaphore.Release(); }", true)]
    [InlineData("/*a*/_rw.EnterWriteLock(); try { count++; } finally { _rw.ExitWriteLock(); }", true)]
    [InlineData("/*a*/Monitor.Enter(_sync); Log(); try { count++; } finally { Monitor.Exit(_sync); }", false)]
    [InlineData("/*a*/Monitor.Enter(_sync); try { count++; } finally { Action release = () => Monitor.Exit(_sync); release(); }", false)]
    [InlineData("/*a*/Monitor.Enter(_sync); try { count++; } finally { _rw.ExitWriteLock(); }", false)]
    [InlineData("/*a*/Monitor.Enter(_sync); count++; Monitor.Exit(_sync);", false)]
    [InlineData("if (/*a*/Monitor.TryEnter(_sync)) { try { count++; } finally { Monitor.Exit(_sync); } }", false)]
    [InlineData("try { } finally { /*a*/Monitor.Enter(_sync); } try { count++; } finally { Monitor.Exit(_sync); }", false)]
    public void The_shortcut_is_taken_only_where_the_graph_check_also_guarantees_the_release(string body, bool covered)
    {
        var helper = Compile(body);
        var invocation = Assert.IsAssignableFrom<IInvocationOperation>(helper.FindOutermost("a"));
        if (invocation.TargetMethod.Name == "ConfigureAwait")
        {
            invocation = Assert.IsAssignableFrom<IInvocationOperation>(invocation.Instance);
        }

        var acquire = Assert.IsType<HeldLock>(LockFacts.MatchAcquire(invocation, helper.Types));
        var state = (Acquire: acquire, helper.Types);
        static bool IsRelease(IInvocationOperation candidate, (HeldLock Acquire, WellKnownTypes Types) state)
            => LockFacts.IsMatchingRelease(candidate, state.Acquire, state.Types);

        Assert.Equal(covered, ReleaseGuarantee.IsCoveredByFinally(invocation, acquire.Outcome == AcquireOutcome.Always, IsRelease, state));
        if (covered)
        {
            var graph = FlowGraphs.GetEnclosingGraph(invocation, default);
            Assert.NotNull(graph);
            var check = ReleaseGuarantee.Check(graph!, invocation.Syntax, acquire.Outcome == AcquireOutcome.ReturnsBool, IsRelease, state, default);
            Assert.Equal(ReleaseVerdict.Guaranteed, check.Verdict);
        }
    }
}
