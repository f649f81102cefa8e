using System.Collections.Generic;
using System.Linq;
using ThreadingPitfalls;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>Every fixed variant of the sample computes the right result; every rule with a pitfall has exactly one.</summary>
public class SampleRunTests
{
    public static IEnumerable<object[]> PitfallIds() => Program.Discover().Select(p => new object[] { p.Id });

    [Theory]
    [MemberData(nameof(PitfallIds))]
    public void The_fixed_variant_is_correct(string id)
    {
        var pitfall = Program.Discover().Single(p => p.Id == id);
        var outcome = pitfall.RunFixed();
        Assert.True(outcome.Correct, $"{id} fixed variant: {outcome.Summary}");
    }

    [Fact]
    public void The_naive_second_start_throws()
    {
        var outcome = Program.Discover().Single(p => p.Id == "THR001").RunNaive();
        Assert.False(outcome.Correct);
        Assert.Contains("ThreadStateException", outcome.Summary, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Pitfall_ids_are_rule_ids_and_unique()
    {
        var ids = Program.Discover().Select(p => p.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(@"^THR\d{3}$", id));
    }
}
