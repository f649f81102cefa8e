using System.Threading;
using Microsoft.CodeAnalysis;

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
        if (text.IndexOf('\\') >= 0 && (text.IndexOf("\\u", System.StringComparison.Ordinal) >= 0 || text.IndexOf("\\U", System.StringComparison.Ordinal) >= 0))
        {
            return true;
        }

        var length = text.Length;
        var i = 0;
        while (i < length)
        {
            var c = text[i];
            if (c > 127 && char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                // A formatting character inside an identifier is ignored by the compiler: "Ta\u200Dsk" is Task.
                return true;
            }

            if (!IsWordChar(c))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < length && IsWordChar(text[i]))
            {
                i++;
            }

            var wordLength = i - start;
            foreach (var word in words)
            {
                if (word.Length == wordLength && string.CompareOrdinal(text, start, word, 0, wordLength) == 0)
                {
                    return true;
                }
            }

            if (implicitNew && wordLength == 3 && string.CompareOrdinal(text, start, "new", 0, 3) == 0 && FollowedByParenthesis(text, i))
            {
                return true;
            }
        }

        return false;
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

    private static bool IsWordChar(char c) => c == '_' || char.IsLetterOrDigit(c);
}
