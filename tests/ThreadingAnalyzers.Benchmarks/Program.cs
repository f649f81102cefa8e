using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ThreadingAnalyzers.Benchmarks.Corpus;
using ThreadingAnalyzers.Benchmarks.Measurement;

namespace ThreadingAnalyzers.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/ThreadingAnalyzers.Benchmarks -- [options]</c>; see <see cref="Usage"/>.
/// </summary>
internal static class Program
{
    private const string Usage = """
        Prices every ThreadingAnalyzers rule against the compiler's own binding time.

        dotnet run -c Release --project tests/ThreadingAnalyzers.Benchmarks -- [options]

          --lines N        base size of each generated corpus in lines (default 100000)
          --scales 1,2,4   corpus sizes to measure, as multiples of --lines (default 1,2,4)
          --runs N         runs per measurement; medians are reported (default 5)
          --inputs LIST    generated inputs: threading,no-threading,long-methods (default all; "none" for only --folder)
          --folder PATH    also measure every .cs file under PATH (real code); repeatable
          --no-alone       skip running each analyzer alone (no allocation figures)
          --quick          --lines 20000 --runs 3: a fast look while iterating
          --rules IDS      price only the analyzers of these rules (THR004,THR015)
          --analyzers DLL  price the analyzers in DLL (another build of src/ThreadingAnalyzers) instead of the referenced project
          --compare DLL    A/B: run these analyzers and those in DLL alternately on each input (first scale, and folders),
                           and report both medians and the median of the paired differences per rule
          --out FILE       also write the markdown report to FILE
          --check          exit with 1 when a budget is missed or an analyzer throws
          --dump DIR       write the generated corpora (1x) to DIR and exit

        dotnet run -c Release --project tests/ThreadingAnalyzers.Benchmarks -- bdn [BenchmarkDotNet arguments]
          runs the BenchmarkDotNet suite (compiler vs. all analyzers vs. each analyzer, with allocations)
        """;

    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bdn")
        {
            var config = DefaultConfig.Instance
                .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(5).WithLaunchCount(1))
                .WithOptions(ConfigOptions.DisableOptimizationsValidator);
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..], config);
            return 0;
        }

        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (options.Dump is not null)
        {
            Dump(options);
            return 0;
        }

        return Run(options);
    }

    private static int Run(Options options)
    {
        static void Log(string message) => Console.Error.WriteLine(message);

        if (options.AnalyzerAssembly is not null)
        {
            AnalyzerCatalog.UseAssembly(options.AnalyzerAssembly);
        }

        if (options.Rules is not null)
        {
            AnalyzerCatalog.RestrictTo(options.Rules);
        }

        var report = new Report();
        report.Header(options.Runs, LoadAverage());
        if (options.Compare is not null)
        {
            return Compare(options, report, Log);
        }

        Log("Warming up...");
        Harness.WarmUp(CorpusGenerator.Threading(Math.Min(options.Lines, 10_000)), Log);
        Harness.WarmUp(CorpusGenerator.Plain(Math.Min(options.Lines, 10_000)), Log);

        foreach (var input in options.Inputs)
        {
            var results = new List<InputResult>();
            var longMethodFiles = input == "long-methods" ? CorpusGenerator.ThreadingFileCount(options.Lines / 8) : 0;
            foreach (var scale in options.Scales)
            {
                var corpus = input switch
                {
                    "threading" => CorpusGenerator.Threading(options.Lines * scale),
                    "no-threading" => CorpusGenerator.Plain(options.Lines * scale),
                    _ => CorpusGenerator.LongMethods(longMethodFiles, scale),
                };
                Log($"{input} x{scale}: {corpus.Trees.Length:N0} files, {corpus.Lines:N0} lines");
                results.Add(Harness.Measure(corpus, input, scale, options.Runs, alone: options.Alone && scale == options.Scales[0], Log));
            }

            report.Input(results);
            SaveSoFar(report, options);
        }

        foreach (var folder in options.Folders)
        {
            var corpus = SourceCorpus.FromFolder(folder);
            Log($"{corpus.Name}: {corpus.Trees.Length:N0} files, {corpus.Lines:N0} lines");
            report.Input(new[] { Harness.Measure(corpus, corpus.Name, 1, options.Runs, options.Alone, Log) });
            SaveSoFar(report, options);
        }

        report.Footer();
        Console.Write(report.Text);
        if (options.Out is not null)
        {
            report.Save(options.Out);
        }

        return options.Check && report.BudgetMisses.Count > 0 ? 1 : 0;
    }

    private static int Compare(Options options, Report report, Action<string> log)
    {
        // Both builds load the same way, each in its own load context: an A/A run (one source built twice) with one
        // build in the default context showed a bias of about a third on StackExchange.Redis.
        var baseBuild = AnalyzerCatalog.FromAssembly(AnalyzerCatalog.Source);
        var other = AnalyzerCatalog.FromAssembly(options.Compare!);
        var corpora = new List<SourceCorpus>();
        foreach (var input in options.Inputs)
        {
            corpora.Add(input switch
            {
                "threading" => CorpusGenerator.Threading(options.Lines * options.Scales[0]),
                "no-threading" => CorpusGenerator.Plain(options.Lines * options.Scales[0]),
                _ => CorpusGenerator.LongMethods(CorpusGenerator.ThreadingFileCount(options.Lines / 8), options.Scales[0]),
            });
        }

        foreach (var folder in options.Folders)
        {
            corpora.Add(SourceCorpus.FromFolder(folder));
        }

        foreach (var corpus in corpora)
        {
            log($"{corpus.Name}: {corpus.Trees.Length:N0} files, {corpus.Lines:N0} lines");
            var rows = Comparison.Measure(corpus, options.Runs, baseBuild, other, log);
            report.Comparison(corpus, AnalyzerCatalog.Source, Path.GetFullPath(options.Compare!), rows);
            SaveSoFar(report, options);
        }

        Console.Write(report.Text);
        if (options.Out is not null)
        {
            report.Save(options.Out);
        }

        return 0;
    }

    /// <summary>A long run keeps what it has measured: the report so far goes to --out after every input.</summary>
    private static void SaveSoFar(Report report, Options options)
    {
        if (options.Out is not null)
        {
            report.Save(options.Out);
        }
    }

    private static void Dump(Options options)
    {
        foreach (var corpus in new[] { CorpusGenerator.Threading(options.Lines), CorpusGenerator.Plain(options.Lines) })
        {
            foreach (var tree in corpus.Trees)
            {
                var path = Path.Combine(options.Dump!, corpus.Name, tree.FilePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, tree.GetText().ToString());
            }

            Console.WriteLine($"{corpus.Name}: {corpus.Trees.Length:N0} files, {corpus.Lines:N0} lines under {Path.Combine(options.Dump!, corpus.Name)}");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private sealed class Options
    {
        public int Lines { get; private set; } = 100_000;

        public List<int> Scales { get; private set; } = new() { 1, 2, 4 };

        public int Runs { get; private set; } = 5;

        public List<string> Inputs { get; private set; } = new() { "threading", "no-threading", "long-methods" };

        public List<string> Folders { get; } = new();

        public bool Alone { get; private set; } = true;

        public bool Check { get; private set; }

        public bool Help { get; private set; }

        public string? Out { get; private set; }

        public string? Dump { get; private set; }

        public string? AnalyzerAssembly { get; private set; }

        public string[]? Rules { get; private set; }

        public string? Compare { get; private set; }

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--lines":
                        options.Lines = Positive(Value());
                        break;
                    case "--scales":
                        options.Scales = new List<int>();
                        foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            options.Scales.Add(Positive(part));
                        }

                        break;
                    case "--runs":
                        options.Runs = Positive(Value());
                        break;
                    case "--inputs":
                        options.Inputs = new List<string>();
                        foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            if (part == "none")
                            {
                                continue;
                            }

                            if (part is not ("threading" or "no-threading" or "long-methods"))
                            {
                                throw new ArgumentException($"Unknown input '{part}'.");
                            }

                            options.Inputs.Add(part);
                        }

                        break;
                    case "--folder":
                        options.Folders.Add(Value());
                        break;
                    case "--no-alone":
                        options.Alone = false;
                        break;
                    case "--quick":
                        options.Lines = 20_000;
                        options.Runs = 3;
                        break;
                    case "--out":
                        options.Out = Value();
                        break;
                    case "--rules":
                        options.Rules = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        break;
                    case "--analyzers":
                        options.AnalyzerAssembly = Value();
                        break;
                    case "--compare":
                        options.Compare = Value();
                        break;
                    case "--check":
                        options.Check = true;
                        break;
                    case "--dump":
                        options.Dump = Value();
                        break;
                    case "-h" or "--help":
                        options.Help = true;
                        break;
                    default:
                        throw new ArgumentException($"Unknown argument '{args[i]}'.");
                }
            }

            return options;
        }

        private static int Positive(string text)
            => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"'{text}' is not a positive number.");
    }
}
