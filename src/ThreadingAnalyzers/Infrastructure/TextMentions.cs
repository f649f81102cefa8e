using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// A search of a tree's source text, far cheaper than walking its syntax: where a few words appear as whole words
/// (comments and inactive code count too, so the answer only errs towards "yes"), and where a target-typed
/// <c>new(</c> may appear. Each word is found with the runtime's vectorized ordinal search. An identifier that hides a
/// word behind a Unicode escape (<c>\u0054ask</c>) or a formatting character is found through the token at that
/// character, so such text is no reason to walk the whole tree.
/// </summary>
internal static class TextMentions
{
    /// <summary>The words searched for each word list of more than one word (<see cref="ComputeAnchors"/>).</summary>
    private static readonly ConditionalWeakTable<string[], string[]> Anchors = new();

    /// <summary>True when <paramref name="tree"/>'s text may name one of <paramref name="words"/>, or has a target-typed <c>new(</c> when <paramref name="implicitNew"/>.</summary>
    public static bool MayMention(SyntaxTree tree, string[] words, bool implicitNew, CancellationToken cancellationToken)
        => Find(tree, words, implicitNew, positions: null, cancellationToken);

    /// <summary>
    /// Where <paramref name="tree"/>'s text names one of <paramref name="words"/> as a whole word (and, when
    /// <paramref name="implicitNew"/>, where a <c>new</c> is followed by <c>(</c>), in ascending order, each once.
    /// </summary>
    public static List<int> WordPositions(SyntaxTree tree, string[] words, bool implicitNew, CancellationToken cancellationToken)
    {
        var positions = new List<int>();
        Find(tree, words, implicitNew, positions, cancellationToken);
        positions.Sort();
        var kept = 0;
        for (var i = 0; i < positions.Count; i++)
        {
            if (kept == 0 || positions[i] != positions[kept - 1])
            {
                positions[kept++] = positions[i];
            }
        }

        positions.RemoveRange(kept, positions.Count - kept);
        return positions;
    }

    /// <summary>
    /// When <paramref name="positions"/> is null, true at the first mention; otherwise adds every mention to it
    /// (unsorted, maybe more than once) and returns whether there was one.
    /// </summary>
    private static bool Find(SyntaxTree tree, string[] words, bool implicitNew, List<int>? positions, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken).ToString();
        var found = false;
        foreach (var anchor in words.Length == 1 ? words : Anchors.GetValue(words, ComputeAnchors))
        {
            found |= FindWords(text, anchor, words, positions);
            if (found && positions is null)
            {
                return true;
            }
        }

        found |= implicitNew && FindImplicitNew(text, positions);
        if (found && positions is null)
        {
            return true;
        }

        return MayHideIdentifiers(text) && FindHiddenWords(tree, text, words, positions, cancellationToken) || found;
    }

    /// <summary>
    /// The words to search for: those that contain none of the others (<c>For</c> finds <c>ForEach</c> and
    /// <c>ForEachAsync</c> too), so the text is read once per anchor rather than once per word.
    /// </summary>
    private static string[] ComputeAnchors(string[] words)
    {
        var anchors = new List<string>();
        foreach (var word in words)
        {
            var containsOther = false;
            foreach (var other in words)
            {
                containsOther |= other.Length < word.Length && word.IndexOf(other, StringComparison.Ordinal) >= 0;
            }

            if (!containsOther && !anchors.Contains(word))
            {
                anchors.Add(word);
            }
        }

        return anchors.ToArray();
    }

    /// <summary>Every whole word of <paramref name="words"/> around an occurrence of <paramref name="anchor"/>.</summary>
    private static bool FindWords(string text, string anchor, string[] words, List<int>? positions)
    {
        var found = false;
        for (var index = text.IndexOf(anchor, StringComparison.Ordinal); index >= 0; index = text.IndexOf(anchor, index + anchor.Length, StringComparison.Ordinal))
        {
            var start = index;
            while (start > 0 && IsWordChar(text[start - 1]))
            {
                start--;
            }

            var end = index + anchor.Length;
            while (end < text.Length && IsWordChar(text[end]))
            {
                end++;
            }

            if (!IsOneOf(text, start, end - start, words))
            {
                continue;
            }

            if (positions is null)
            {
                return true;
            }

            positions.Add(start);
            found = true;
        }

        return found;
    }

    private static bool IsOneOf(string text, int start, int length, string[] words)
    {
        foreach (var word in words)
        {
            if (word.Length == length && string.CompareOrdinal(text, start, word, 0, length) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every <c>new</c> followed by <c>(</c>: a target-typed creation.</summary>
    private static bool FindImplicitNew(string text, List<int>? positions)
    {
        var found = false;
        for (var index = text.IndexOf("new", StringComparison.Ordinal); index >= 0; index = text.IndexOf("new", index + 3, StringComparison.Ordinal))
        {
            if (!IsWholeWord(text, index, 3) || !FollowedByParenthesis(text, index + 3))
            {
                continue;
            }

            if (positions is null)
            {
                return true;
            }

            positions.Add(index);
            found = true;
        }

        return found;
    }

    /// <summary>
    /// The identifiers that spell one of <paramref name="words"/> with a Unicode escape or a formatting character: the
    /// token at each such character, when it is an identifier (not a literal, a comment or inactive text).
    /// </summary>
    private static bool FindHiddenWords(SyntaxTree tree, string text, string[] words, List<int>? positions, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);
        var found = false;

        // Formatting characters are not ASCII: in all-ASCII text only the backslashes need a look.
        var ascii = Encoding.UTF8.GetByteCount(text) == text.Length;
        for (var index = ascii ? text.IndexOf('\\') : 0; index >= 0 && index < text.Length; index = ascii ? text.IndexOf('\\', index + 1) : index + 1)
        {
            var c = text[index];
            if (!(c == '\\' && index + 1 < text.Length && text[index + 1] is 'u' or 'U') && !IsFormatting(c))
            {
                continue;
            }

            var token = root.FindToken(index);
            if (!token.Span.Contains(index) || !token.IsKind(SyntaxKind.IdentifierToken) || Array.IndexOf(words, token.ValueText) < 0)
            {
                continue;
            }

            if (positions is null)
            {
                return true;
            }

            positions.Add(token.SpanStart);
            found = true;
        }

        return found;
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
