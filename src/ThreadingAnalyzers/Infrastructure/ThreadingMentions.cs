using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Whether a compilation's source can use threading at all. The types every rule looks for (Thread, Task, Monitor…)
/// are in every .NET reference set, so their presence says nothing; what the source mentions does. A compilation
/// whose text never names a thread, task, timer, lock or concurrent collection registers no rule, and costs next to
/// nothing. The answer only errs towards "yes" (comments and strings count, and so does text that may hide a name
/// behind an escape), and is cached per tree, so an edit in the IDE rescans only the edited file.
/// </summary>
internal static class ThreadingMentions
{
    /// <summary>Parts of the names every rule's trigger needs: a start, a region, a lock or a concurrent collection.</summary>
    private static readonly string[] Fragments =
    {
        "Thread", "Task", "Parallel", "Timer", "Monitor", "Mutex", "Semaphore", "Interlocked", "SpinLock",
        "ReaderWriterLock", "BlockingCollection", "Channel", "Concurrent", "Countdown", "Barrier", "EnterScope",
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
            if (text.IndexOf(fragment, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return TextMentions.HasWord(text, "lock") || TextMentions.HasWord(text, "Lock");
    }
}
