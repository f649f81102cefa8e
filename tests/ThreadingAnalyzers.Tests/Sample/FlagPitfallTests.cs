using System.Linq;
using ThreadingPitfalls;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>The naive THR010 and THR014 variants of the sample really go wrong (the fixed ones are checked by <see cref="SampleRunTests"/>).</summary>
public class FlagPitfallTests
{
    [Fact]
    public void The_naive_spin_wastes_the_cpu_or_never_ends()
    {
        var outcome = Program.Discover().Single(p => p.Id == "THR010").RunNaive();
        Assert.False(outcome.Correct);
        // Debug builds re-read the flag and burn CPU ("re-reading '_go'"); optimized ones may hoist the read and never end ("'_go = true'").
        Assert.Contains("'_go", outcome.Summary, System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_naive_double_check_hands_out_a_half_loaded_object()
    {
        var outcome = Program.Discover().Single(p => p.Id == "THR014").RunNaive();
        Assert.False(outcome.Correct);
        Assert.Contains("port 0 instead of 8080", outcome.Summary, System.StringComparison.Ordinal);
    }
}
