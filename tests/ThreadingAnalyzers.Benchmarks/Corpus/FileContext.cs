using System;
using System.Text;

namespace ThreadingAnalyzers.Benchmarks.Corpus;

/// <summary>
/// What one generated file is built from: its index (names are unique per index), a random source seeded by the
/// index alone (so the first N files of a 2x corpus are exactly the 1x corpus), and the method-size factor.
/// </summary>
internal sealed class FileContext
{
    private static readonly string[] Nouns =
    [
        "Order", "Invoice", "Customer", "Shipment", "Payment", "Report", "Sensor", "Reading", "Message", "Document",
        "Image", "Ticket", "Account", "Batch", "Job", "Event", "Metric", "Record", "Request", "Session", "Quote",
        "Route", "Parcel", "Sample", "Upload", "Claim", "Booking", "Article", "Device", "Tenant",
    ];

    private readonly Random _random;

    public FileContext(int index, int seed, int methodScale)
    {
        Index = index;
        MethodScale = methodScale;
        _random = new Random(unchecked((seed * 7919) + index));
        Noun = Nouns[_random.Next(Nouns.Length)];
        Namespace = "Corpus.Module" + (index / 25).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Index { get; }

    /// <summary>How many times the repeatable block of a long method is emitted (the method-size scaling).</summary>
    public int MethodScale { get; }

    /// <summary>The domain noun of this file's types, e.g. <c>Invoice</c>.</summary>
    public string Noun { get; }

    public string Lower => char.ToLowerInvariant(Noun[0]) + Noun.Substring(1);

    public string Namespace { get; }

    /// <summary>A suffix that makes type names unique across the corpus.</summary>
    public string Id => Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int Next(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public T Pick<T>(params T[] options) => options[_random.Next(options.Length)];

    public string OtherNoun() => Nouns[_random.Next(Nouns.Length)];

    /// <summary>
    /// The repeatable block of a long method: emitted <see cref="MethodScale"/> times, each copy in its own braces
    /// so locals do not clash, indented by <paramref name="indent"/> levels.
    /// </summary>
    public string Rep(string block, int indent)
    {
        var builder = new StringBuilder();
        for (var copy = 0; copy < MethodScale; copy++)
        {
            if (copy > 0)
            {
                builder.Append('\n');
            }

            builder.Append(Indent("{\n" + Indent(block, 1) + "\n}", indent, skipFirst: copy == 0));
        }

        return builder.ToString();
    }

    /// <summary>Indents every line of <paramref name="text"/> by <paramref name="levels"/> × 4 spaces (the first line too unless <paramref name="skipFirst"/>).</summary>
    public static string Indent(string text, int levels, bool skipFirst = true)
    {
        var pad = new string(' ', levels * 4);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            if (lines[i].Length > 0 && (i > 0 || !skipFirst))
            {
                builder.Append(pad);
            }

            builder.Append(lines[i]);
        }

        return builder.ToString();
    }
}
