using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace ThreadingPitfalls;

/// <summary>Runs the pitfalls: <c>list</c>, <c>all</c> (the default) or <c>run THR004 [THR007 …]</c>.</summary>
internal static class Program
{
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromSeconds(20);

    public static int Main(string[] args)
    {
        var pitfalls = Discover();
        var command = args.Length == 0 ? "all" : args[0].ToLowerInvariant();
        switch (command)
        {
            case "list":
                foreach (var pitfall in pitfalls)
                {
                    Console.WriteLine($"{pitfall.Id}  {pitfall.Title}");
                }

                return 0;
            case "all":
                return RunAll(pitfalls);
            case "run" when args.Length > 1:
                var wanted = new HashSet<string>(args.Skip(1), StringComparer.OrdinalIgnoreCase);
                var selected = pitfalls.Where(p => wanted.Contains(p.Id)).ToList();
                if (selected.Count == 0)
                {
                    Console.Error.WriteLine($"No pitfall with ID {string.Join(", ", wanted)}. Use 'list' to see them.");
                    return 2;
                }

                return RunAll(selected);
            case "child" when args.Length > 2:
                return ChildProcess.Dispatch(pitfalls, args[1], args[2]);
            default:
                Console.Error.WriteLine("Usage: ThreadingPitfalls [list | all | run THR001 [THR004 ...]]");
                return 2;
        }
    }

    /// <summary>Every pitfall in this assembly, ordered by rule ID.</summary>
    internal static IReadOnlyList<Pitfall> Discover()
        => typeof(Program).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(Pitfall).IsAssignableFrom(t))
            .Select(t => (Pitfall)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();

    private static int RunAll(IReadOnlyList<Pitfall> pitfalls)
    {
        Console.WriteLine($"ThreadingPitfalls: {pitfalls.Count} pitfall(s), each run naive and fixed, on {Environment.ProcessorCount} core(s).");
        Console.WriteLine();
        var fixedFailures = 0;
        var total = Stopwatch.StartNew();
        foreach (var pitfall in pitfalls)
        {
            Console.WriteLine($"{pitfall.Id}  {pitfall.Title}");
            Run("naive", pitfall.RunNaive);
            var repaired = Run("fixed", pitfall.RunFixed);
            if (!repaired.Correct)
            {
                fixedFailures++;
            }

            Console.WriteLine();
        }

        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0.0} s. Fixed variants correct: {pitfalls.Count - fixedFailures}/{pitfalls.Count}.");
        return fixedFailures == 0 ? 0 : 1;
    }

    /// <summary>Runs one variant with a progress indicator and a safety timeout, and prints its outcome.</summary>
    private static Outcome Run(string label, Func<Outcome> variant)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(SafeRun, TaskCreationOptions.LongRunning);
        using (Progress.Show($"  {label,-5} ", task))
        {
            if (!task.Wait(DemoTimeout))
            {
                Console.WriteLine($"  {label,-5} ? did not finish within {DemoTimeout.TotalSeconds:0} s (the demo itself should have bounded this)");
                return Outcome.Wrong("timed out");
            }
        }

        var outcome = task.Result;
        var mark = outcome.Correct ? "ok " : "BAD";
        Console.WriteLine($"  {label,-5} {mark} {outcome.Summary} ({watch.Elapsed.TotalMilliseconds:0} ms)");
        return outcome;

        Outcome SafeRun()
        {
            try
            {
                return variant();
            }
            catch (Exception exception)
            {
                return Outcome.Wrong($"threw {exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}
