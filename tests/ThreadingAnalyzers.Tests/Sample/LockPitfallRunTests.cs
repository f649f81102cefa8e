using System.Linq;
using ThreadingPitfalls;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>The naive lock pitfalls really fail, within their time bounds.</summary>
public class LockPitfallRunTests
{
    [Theory]
    [InlineData("THR008", "left it taken")]
    [InlineData("THR013", "was lost")]
    [InlineData("THR016", "deadlock")]
    public void The_naive_variant_fails_the_way_the_docs_say(string id, string expected)
    {
        var outcome = Program.Discover().Single(p => p.Id == id).RunNaive();
        Assert.False(outcome.Correct, outcome.Summary);
        Assert.Contains(expected, outcome.Summary, System.StringComparison.Ordinal);
    }
}
