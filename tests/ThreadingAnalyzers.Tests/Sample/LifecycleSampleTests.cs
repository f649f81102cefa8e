using System.Linq;
using ThreadingPitfalls;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>The naive variants of the thread-lifecycle pitfalls (THR005, THR006, THR011, THR012) really show their failure.</summary>
public class LifecycleSampleTests
{
    [Fact]
    public void THR005_naive_reads_the_results_before_the_workers_finish()
    {
        var outcome = Naive("THR005");
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains("were still running", outcome.Summary, System.StringComparison.Ordinal);
    }

    [Fact]
    public void THR006_naive_creates_a_thread_per_item()
    {
        var outcome = Naive("THR006");
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains("2000 threads created", outcome.Summary, System.StringComparison.Ordinal);
    }

    [Fact]
    public void THR011_naive_child_process_does_not_exit_after_main_returns()
    {
        var outcome = Naive("THR011");
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains("still running", outcome.Summary, System.StringComparison.Ordinal);
    }

    [Fact]
    public void THR012_naive_abort_throws_and_leaves_the_worker_running()
    {
        var outcome = Naive("THR012");
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains("PlatformNotSupportedException", outcome.Summary, System.StringComparison.Ordinal);
        Assert.Contains("IsAlive = True", outcome.Summary, System.StringComparison.Ordinal);
    }

    private static Outcome Naive(string id) => Program.Discover().Single(p => p.Id == id).RunNaive();
}
