using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A scan of a tree's source text, far cheaper than walking its syntax: whether any of a few words appears as a whole
/// word (comments and inactive code count too, so the answer only errs towards "yes"), and whether a target-typed
/// <c>new(</c> may appear. Text with a Unicode escape or a formatting character (an identifier may hide behind
/// <c>\u0054ask</c>) always answers yes.
/// </summary>
internal static class TextMentions
{
    /// <summary>True when <paramref name="tree"/>'s text may name one of <paramref name="words"/>, or has a target-typed <c>new(</c> when <paramref name="implicitNew"/>.</summary>
    public static bool MayMention(SyntaxTree tree, string[] words, bool implicitNew, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken).ToString();
        return HasEscape(text) || Scan(text, words, implicitNew, positions: null);
    }

    /// <summary>
    /// Where <paramref name="tree"/>'s text names one of <paramref name="words"/> as a whole word (and, when
    /// <paramref name="implicitNew"/>, where a <c>new</c> is followed by <c>(</c>), in ascending order; null when the
    /// text may spell an identifier other than as written (see <see cref="MayHideIdentifiers"/>), so the caller must
    /// look at every node instead.
    /// </summary>
    public static List<int>? WordPositions(SyntaxTree tree, string[] words, bool implicitNew, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken).ToString();
        var positions = new List<int>();
        return HasEscape(text) || Scan(text, words, implicitNew, positions) ? null : positions;
    }

    /// <summary>
    /// Reads <paramref name="text"/> word by word. True at the first formatting character (it may hide an identifier),
    /// or, when <paramref name="positions"/> is null, at the first match; otherwise every match is added to it.
    /// </summary>
    private static bool Scan(string text, string[] words, bool implicitNew, List<int>? positions)
    {
        // Word lengths (all under 64) as bits: most words of a text are ruled out by their length alone.
        ulong lengths = implicitNew ? 1UL << 3 : 0;
        foreach (var word in words)
        {
            lengths |= 1UL << (word.Length & 63);
        }

        var length = text.Length;
        var i = 0;
        while (i < length)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                if (IsFormatting(c))
                {
                    return true;
                }

                i++;
                continue;
            }

            var start = i;
            while (i < length && IsWordChar(text[i]))
            {
                i++;
            }

            var wordLength = i - start;
            if (wordLength >= 64 || (lengths & (1UL << wordLength)) == 0 || !Matches(text, start, wordLength, words, implicitNew, i))
            {
                continue;
            }

            if (positions is null)
            {
                return true;
            }

            positions.Add(start);
        }

        return false;
    }

    private static bool Matches(string text, int start, int wordLength, string[] words, bool implicitNew, int end)
    {
        foreach (var word in words)
        {
            if (word.Length == wordLength && word[0] == text[start] && string.CompareOrdinal(text, start, word, 0, wordLength) == 0)
            {
                return true;
            }
        }

        return implicitNew && wordLength == 3 && string.CompareOrdinal(text, start, "new", 0, 3) == 0 && FollowedByParenthesis(text, end);
    }

    /// <summary>True when some position in the ascending <paramref name="positions"/> lies inside <paramref name="span"/>.</summary>
    public static bool AnyWithin(List<int> positions, TextSpan span)
    {
        var index = positions.BinarySearch(span.Start);
        if (index < 0)
        {
            index = ~index;
        }

        return index < positions.Count && positions[index] < span.End;
    }

    /// <summary>After <c>new</c>: white space, then <c>(</c> (or a comment, which might hide one).</summary>
    private static bool FollowedByParenthesis(string text, int index)
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }

        return index < text.Length && text[index] is '(' or '/' or '#';
    }

    /// <summary>
    /// True when <paramref name="text"/> may spell an identifier other than as written: a Unicode escape
    /// (<c>\u0054ask</c> is Task) or a formatting character, which the compiler drops from identifiers.
    /// </summary>
    public static bool MayHideIdentifiers(string text)
    {
        if (HasEscape(text))
        {
            return true;
        }

        // Formatting characters are not ASCII: one vectorized count rules out the per-character loop for most files.
        if (Encoding.UTF8.GetByteCount(text) == text.Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (IsFormatting(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the <paramref name="length"/> characters at <paramref name="start"/> are a whole word of <paramref name="text"/> (<c>lock</c>, not the end of <c>Block</c>).</summary>
    public static bool IsWholeWord(string text, int start, int length)
    {
        var end = start + length;
        return (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));
    }

    /// <summary>
    /// When <paramref name="index"/> lies in the name of a using directive that only imports a namespace, written on
    /// one line (<c>using System.Threading;</c>, <c>global using global::System.Threading.Tasks;</c>), the index just
    /// past its semicolon; otherwise -1 (an alias, a <c>using static</c>, a using statement, any other line).
    /// </summary>
    public static int EndOfNamespaceImport(string text, int index)
    {
        var i = text.LastIndexOf('\n', index) + 1;
        i = SkipSpaces(text, i);
        if (IsKeywordAt(text, i, "global"))
        {
            i = SkipSpaces(text, i + "global".Length);
        }

        if (!IsKeywordAt(text, i, "using"))
        {
            return -1;
        }

        i = SkipSpaces(text, i + "using".Length);
        if (IsKeywordAt(text, i, "static"))
        {
            return -1;
        }

        if (string.CompareOrdinal(text, i, "global::", 0, "global::".Length) == 0)
        {
            i += "global::".Length;
        }

        while (i < text.Length && (IsWordChar(text[i]) || text[i] is '.' or ' ' or '\t'))
        {
            i++;
        }

        return i < text.Length && text[i] == ';' && i > index ? i + 1 : -1;
    }

    /// <summary>True when <paramref name="keyword"/> is written at <paramref name="index"/> and followed by white space.</summary>
    private static bool IsKeywordAt(string text, int index, string keyword)
    {
        var end = index + keyword.Length;
        return end < text.Length && text[end] is ' ' or '\t' && string.CompareOrdinal(text, index, keyword, 0, keyword.Length) == 0;
    }

    private static int SkipSpaces(string text, int index)
    {
        while (index < text.Length && text[index] is ' ' or '\t')
        {
            index++;
        }

        return index;
    }

    /// <summary>True when <paramref name="text"/> has a <c>\u</c> or <c>\U</c> (one pass over its backslashes).</summary>
    private static bool HasEscape(string text)
    {
        var index = text.IndexOf('\\');
        while (index >= 0 && index + 1 < text.Length)
        {
            if (text[index + 1] is 'u' or 'U')
            {
                return true;
            }

            index = text.IndexOf('\\', index + 1);
        }

        return false;
    }

    private static bool IsFormatting(char c) => c > 127 && char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    private static bool IsWordChar(char c)
        => c < 128 ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '_' : char.IsLetterOrDigit(c);
}
