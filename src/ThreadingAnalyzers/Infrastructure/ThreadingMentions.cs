using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Whether a compilation's source can use threading at all. The types every rule looks for (Thread, Task, Monitor…)
/// are in every .NET reference set, so their presence says nothing; what the source mentions does. A compilation
/// whose text never names a thread, task, timer, lock or concurrent collection registers no rule, and costs next to
/// nothing. A using directive that only imports a namespace (<c>using System.Threading;</c>, or the
/// <c>global using global::System.Threading.Tasks;</c> every SDK project with implicit usings compiles) names no
/// construct, so it does not count; an alias or a <c>using static</c> does. Otherwise the answer only errs towards
/// "yes" (comments and strings count, and so does text that may hide a name behind an escape), and is cached per
/// tree, so an edit in the IDE rescans only the edited file.
/// </summary>
/// <remarks>
/// Each name costs one vectorized <c>IndexOf</c> pass over the file (the six that share "ock" take one together);
/// <see cref="TextMentions.MayHideIdentifiers"/> adds two more.
/// </remarks>
internal static class ThreadingMentions
{
    /// <summary>Parts of the names every rule's trigger needs: a start, a region, a lock or a concurrent collection.</summary>
    private static readonly string[] Fragments =
    {
        "Thread", "Task", "Parallel", "Timer", "Monitor", "Mutex", "Semaphore", "Channel", "Concurrent", "Countdown",
        "Barrier", "EnterScope",
    };

    private static readonly ConditionalWeakTable<Compilation, StrongBox<bool>> s_compilations = new();
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<bool>> s_trees = new();

    /// <summary>True when some tree of <paramref name="compilation"/> may use threading; false when none mentions it.</summary>
    public static bool MayUseThreading(Compilation compilation, CancellationToken cancellationToken)
    {
        if (s_compilations.TryGetValue(compilation, out var known))
        {
            return known.Value;
        }

        var any = false;
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (MayUseThreading(tree, cancellationToken))
            {
                any = true;
                break;
            }
        }

        return s_compilations.GetValue(compilation, _ => new StrongBox<bool>(any)).Value;
    }

    /// <summary>True when <paramref name="tree"/>'s text may name a threading construct.</summary>
    public static bool MayUseThreading(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (s_trees.TryGetValue(tree, out var known))
        {
            return known.Value;
        }

        var mentions = Scan(tree.GetText(cancellationToken).ToString());
        return s_trees.GetValue(tree, _ => new StrongBox<bool>(mentions)).Value;
    }

    private static bool Scan(string text)
    {
        if (TextMentions.MayHideIdentifiers(text))
        {
            return true;
        }

        foreach (var fragment in Fragments)
        {
            if (Names(text, fragment))
            {
                return true;
            }
        }

        return HasLockName(text);
    }

    /// <summary>True when <paramref name="fragment"/> occurs in <paramref name="text"/> outside a namespace import.</summary>
    private static bool Names(string text, string fragment)
    {
        var index = text.IndexOf(fragment, StringComparison.Ordinal);
        while (index >= 0)
        {
            var importEnd = TextMentions.EndOfNamespaceImport(text, index);
            if (importEnd < 0)
            {
                return true;
            }

            index = text.IndexOf(fragment, importEnd, StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>True when <paramref name="text"/> has the word <c>lock</c> or <c>Lock</c> (not <c>Block</c>), or names <c>Interlocked</c>, <c>BlockingCollection</c>, <c>SpinLock</c> or <c>ReaderWriterLock</c>.</summary>
    private static bool HasLockName(string text)
    {
        var index = text.IndexOf("ock", StringComparison.Ordinal);
        while (index >= 0)
        {
            if (index >= 1 && text[index - 1] is 'l' or 'L' && TextMentions.IsWholeWord(text, index - 1, 4))
            {
                return true;
            }

            if (StartsAt(text, index - 6, "Interlocked") || StartsAt(text, index - 2, "BlockingCollection")
                || StartsAt(text, index - 5, "SpinLock") || StartsAt(text, index - 13, "ReaderWriterLock"))
            {
                return true;
            }

            index = text.IndexOf("ock", index + 3, StringComparison.Ordinal);
        }

        return false;
    }

    private static bool StartsAt(string text, int start, string name)
        => start >= 0 && start + name.Length <= text.Length && string.CompareOrdinal(text, start, name, 0, name.Length) == 0;
}
