using System.Linq;
using ThreadingPitfalls;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>The naive producer/consumer pitfalls really fail, within their time bounds.</summary>
public class QueuePitfallRunTests
{
    [Theory]
    [InlineData("THR002", "never processed")]
    [InlineData("THR003", "would wait forever")]
    public void The_naive_variant_fails_the_way_the_docs_say(string id, string expected)
    {
        var outcome = Program.Discover().Single(p => p.Id == id).RunNaive();
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains(expected, outcome.Summary, System.StringComparison.Ordinal);
    }
}
