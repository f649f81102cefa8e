namespace ThreadingAnalyzers;

/// <summary>Diagnostic categories: what kind of damage a rule's finding does.</summary>
internal static class RuleCategories
{
    /// <summary>Hangs, crashes, lost updates, corrupted state.</summary>
    public const string Reliability = "Reliability";

    /// <summary>Wasted threads, cores or wall time; the program still computes the right thing.</summary>
    public const string Performance = "Performance";

    /// <summary>APIs that are obsolete, unsupported or misused.</summary>
    public const string Usage = "Usage";
}
