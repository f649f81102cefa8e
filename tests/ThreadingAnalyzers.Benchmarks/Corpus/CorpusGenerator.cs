using System;
using System.Collections.Generic;

namespace ThreadingAnalyzers.Benchmarks.Corpus;

/// <summary>The two generated inputs: deterministic for a given size, seed and method scale.</summary>
internal static class CorpusGenerator
{
    public const int DefaultSeed = 20240817;

    public static SourceCorpus Threading(int targetLines, int seed = DefaultSeed)
        => SourceCorpus.FromSources(
            "threading",
            "generated threading-heavy code (threads, locks, queues, tasks, Parallel, timers)",
            Generate(targetLines, int.MaxValue, methodScale: 1, seed, ThreadingCode.SharedFile, ThreadingCode.File, "Threading"));

    public static SourceCorpus Plain(int targetLines, int seed = DefaultSeed)
        => SourceCorpus.FromSources(
            "no-threading",
            "generated business code that never mentions threading",
            Generate(targetLines, int.MaxValue, methodScale: 1, seed, PlainCode.SharedFile, PlainCode.File, "Plain"));

    /// <summary>How many copies of a long method's core block one step of the method-size scaling adds.</summary>
    public const int LongMethodCopies = 8;

    /// <summary>
    /// The threading corpus with a fixed number of files whose long methods repeat their core block
    /// <see cref="LongMethodCopies"/> × <paramref name="methodScale"/> times (thread starts, locked updates, queue
    /// operations…): the code base grows only through the size of its methods.
    /// </summary>
    public static SourceCorpus LongMethods(int files, int methodScale, int seed = DefaultSeed)
        => SourceCorpus.FromSources(
            "long-methods",
            $"the threading corpus with {files} files whose long methods repeat their core block {LongMethodCopies} x scale times",
            Generate(int.MaxValue, files, LongMethodCopies * methodScale, seed, ThreadingCode.SharedFile, ThreadingCode.File, "Threading"));

    /// <summary>How many generated files the threading corpus needs to reach <paramref name="targetLines"/>.</summary>
    public static int ThreadingFileCount(int targetLines) => Threading(targetLines).Trees.Length - 1;

    /// <summary>
    /// Files are added until the corpus reaches <paramref name="targetLines"/> or <paramref name="maxFiles"/>. Each file depends only on its index,
    /// so a larger corpus is a smaller one plus more files (the way a code base grows).
    /// </summary>
    private static List<(string Path, string Text)> Generate(int targetLines, int maxFiles, int methodScale, int seed, string shared, Func<FileContext, string> file, string prefix)
    {
        var sources = new List<(string Path, string Text)> { (prefix + "/Shared.cs", shared) };
        var lines = CountLines(shared);
        for (var index = 0; lines < targetLines && index < maxFiles; index++)
        {
            var ctx = new FileContext(index, seed, methodScale);
            var text = file(ctx);
            sources.Add(($"{prefix}/{ctx.Namespace}/{ctx.Noun}{ctx.Id}.cs", text));
            lines += CountLines(text);
        }

        return sources;
    }

    private static int CountLines(string text)
    {
        var lines = 1;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
            }
        }

        return lines;
    }
}
