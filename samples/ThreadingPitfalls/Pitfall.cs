namespace ThreadingPitfalls;

/// <summary>
/// One multithreading pitfall, shown twice: the naive code that a THR rule flags, and the fixed code.
/// Each variant is bounded in time and threads; a variant that would hang reports "would hang" after a timeout.
/// </summary>
internal abstract class Pitfall
{
    /// <summary>The rule that flags the naive variant, e.g. "THR001".</summary>
    public abstract string Id { get; }

    public abstract string Title { get; }

    /// <summary>Runs the naive variant; its outcome usually shows the failure.</summary>
    public abstract Outcome RunNaive();

    /// <summary>Runs the fixed variant; its outcome must be correct.</summary>
    public abstract Outcome RunFixed();
}

/// <summary>What a variant did: whether the result was correct, and a one-line account of it.</summary>
internal sealed record Outcome(bool Correct, string Summary)
{
    public static Outcome Right(string summary) => new(true, summary);

    public static Outcome Wrong(string summary) => new(false, summary);
}
