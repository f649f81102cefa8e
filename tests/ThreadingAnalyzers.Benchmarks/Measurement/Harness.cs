using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Benchmarks.Corpus;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>What one input cost at one size: medians over the runs.</summary>
internal sealed class InputResult
{
    public InputResult(SourceCorpus corpus, string input, int scale)
    {
        Corpus = corpus;
        Input = input;
        Scale = scale;
    }

    public SourceCorpus Corpus { get; }

    /// <summary>threading, no-threading, long-methods, or the folder name.</summary>
    public string Input { get; }

    /// <summary>1, 2, 4…: the multiple of the base size (or of the method length for long-methods).</summary>
    public int Scale { get; }

    public int Lines => Corpus.Lines;

    public int Files => Corpus.Trees.Length;

    /// <summary>Rounds of compiling and analyzing the input before the JIT let the runs have the CPU (see <see cref="Harness.Settle"/>); 0 when it never did.</summary>
    public int SettleRounds { get; set; }

    /// <summary>The compiler alone: <c>GetDiagnostics()</c> on a fresh compilation.</summary>
    public Sample Baseline { get; set; }

    public int CompilerErrors { get; set; }

    /// <summary>
    /// The driver with one empty operation action on invocations: the whole run (the driver compiles everything and
    /// builds every member's operations, as the SDK's default-on operation analyzers make every build do) and the time
    /// it logged for that empty action, the floor of any rule triggered on invocations.
    /// </summary>
    public Sample Floor { get; set; }

    public double FloorLoggedMs { get; set; }

    /// <summary>What resolving the shared well-known types once per compilation cost (ms, logged).</summary>
    public double WellKnownTypesMs { get; set; }

    /// <summary>The driver with every shipped analyzer.</summary>
    public Sample All { get; set; }

    /// <summary>
    /// Per run, the CPU time of the run with every analyzer minus that of the run with the empty probes just before
    /// it: what the rules add to a build whose driver builds every member's operations anyway.
    /// </summary>
    public double[] BeyondFloorMs { get; set; } = Array.Empty<double>();

    /// <summary>
    /// Median per-analyzer execution time logged by the driver when all analyzers run together (ms), times the
    /// run's CPU share (see <see cref="Sample.CpuShare"/>).
    /// </summary>
    public Dictionary<DiagnosticAnalyzer, double> LoggedMs { get; } = new();

    /// <summary>Each analyzer run alone (null when not measured): the whole run, to compare with <see cref="Floor"/>.</summary>
    public Dictionary<DiagnosticAnalyzer, Sample>? Alone { get; set; }

    /// <summary>Median execution time the driver logged for each analyzer when it ran alone (ms, times the run's CPU share).</summary>
    public Dictionary<DiagnosticAnalyzer, double> AloneLoggedMs { get; } = new();

    public SortedDictionary<string, int> Reports { get; } = new(StringComparer.Ordinal);

    public List<string> AnalyzerExceptions { get; } = new();

    public double LoggedTotalMs
    {
        get
        {
            var total = 0.0;
            foreach (var value in LoggedMs.Values)
            {
                total += value;
            }

            return total;
        }
    }
}

/// <summary>
/// Runs the compiler and the analyzers over an input, single-threaded (<c>concurrentBuild: false</c>,
/// <c>concurrentAnalysis: false</c>), each run on a fresh compilation of the same parsed trees.
/// </summary>
internal static class Harness
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Probes = ImmutableArray.Create(ProbeAnalyzers.EmptyInvocationAction, ProbeAnalyzers.WellKnownTypesOnly);

    /// <summary>The most rounds <see cref="Settle"/> tries before it measures anyway.</summary>
    private const int MaxSettleRounds = 40;

    public static InputResult Measure(SourceCorpus corpus, string input, int scale, int runs, bool alone, Action<string> log)
    {
        var analyzers = AnalyzerCatalog.All;
        var result = new InputResult(corpus, input, scale) { SettleRounds = Settle(corpus, input, scale, log) };
        var baseline = new List<Sample>();
        var floor = new List<Sample>();
        var all = new List<Sample>();
        var floorLogged = new double[runs];
        var beyondFloor = new double[runs];
        var typesLogged = new double[runs];
        var logged = new Dictionary<DiagnosticAnalyzer, List<double>>();
        foreach (var analyzer in analyzers)
        {
            logged[analyzer] = new List<double>();
        }

        for (var run = 0; run < runs; run++)
        {
            log($"  {input} x{scale}: run {run + 1}/{runs}");
            var errors = 0;
            var compiled = corpus.CreateFreshCompilation();
            baseline.Add(Sample.Measure(() => errors = CountErrors(compiled.GetDiagnostics())));
            result.CompilerErrors = errors;

            AnalyzerRun? probe = null;
            var probed = corpus.CreateFreshCompilation();
            floor.Add(Sample.Measure(() => probe = RunAnalyzers(probed, Probes, out _)));
            var floorShare = floor[run].CpuShare;
            floorLogged[run] = probe!.ExecutionMs(ProbeAnalyzers.EmptyInvocationAction) * floorShare;
            typesLogged[run] = probe.ExecutionMs(ProbeAnalyzers.WellKnownTypesOnly) * floorShare;

            AnalyzerRun? together = null;
            var analyzed = corpus.CreateFreshCompilation();
            all.Add(Sample.Measure(() => together = RunAnalyzers(analyzed, analyzers, out _)));
            beyondFloor[run] = all[run].CpuMs - floor[run].CpuMs;
            foreach (var analyzer in analyzers)
            {
                logged[analyzer].Add(together!.ExecutionMs(analyzer) * all[run].CpuShare);
            }

            if (run == 0)
            {
                together!.CollectOutcome(result);
            }
        }

        result.Baseline = Sample.Median(baseline);
        result.Floor = Sample.Median(floor);
        result.FloorLoggedMs = Stats.Median(floorLogged);
        result.WellKnownTypesMs = Stats.Median(typesLogged);
        result.All = Sample.Median(all);
        result.BeyondFloorMs = beyondFloor;
        foreach (var analyzer in analyzers)
        {
            result.LoggedMs[analyzer] = Stats.Median(logged[analyzer].ToArray());
        }

        if (alone)
        {
            result.Alone = new Dictionary<DiagnosticAnalyzer, Sample>();
            foreach (var analyzer in analyzers)
            {
                log($"  {input} x{scale}: {AnalyzerCatalog.DisplayName(analyzer)} alone");
                var samples = new List<Sample>();
                var aloneLogged = new double[runs];
                for (var run = 0; run < runs; run++)
                {
                    AnalyzerRun? single = null;
                    var compilation = corpus.CreateFreshCompilation();
                    samples.Add(Sample.Measure(() => single = RunAnalyzers(compilation, ImmutableArray.Create(analyzer), out _)));
                    aloneLogged[run] = single!.ExecutionMs(analyzer) * samples[run].CpuShare;
                }

                result.Alone[analyzer] = Sample.Median(samples);
                result.AloneLoggedMs[analyzer] = Stats.Median(aloneLogged);
            }
        }

        return result;
    }

    /// <summary>
    /// One run of <paramref name="analyzers"/> together: the time the driver logged for each (by display name, times
    /// the run's CPU share) and their sum under <see cref="Comparison.Total"/>.
    /// </summary>
    public static Dictionary<string, double> LoggedByRule(SourceCorpus corpus, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        AnalyzerRun? run = null;
        var compilation = corpus.CreateFreshCompilation();
        var sample = Sample.Measure(() => run = RunAnalyzers(compilation, analyzers, out _));
        var logged = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = 0.0;
        foreach (var analyzer in analyzers)
        {
            var ms = run!.ExecutionMs(analyzer) * sample.CpuShare;
            logged[AnalyzerCatalog.DisplayName(analyzer)] = ms;
            total += ms;
        }

        logged[Comparison.Total] = total;
        return logged;
    }

    /// <summary>
    /// One untimed pass of everything, so the measured runs see jitted code and loaded metadata. Each pass compiles
    /// fresh trees, as the measured runs do: on reused trees the analyzers' per-tree caches would answer from the
    /// first pass on, and the text scans behind them would reach the measured runs unjitted.
    /// </summary>
    public static void WarmUp(SourceCorpus corpus, Action<string> log)
    {
        log($"  warm-up on {corpus.Name} ({corpus.Lines:N0} lines)");
        corpus.CreateFreshCompilation().GetDiagnostics();
        RunAnalyzers(corpus.CreateFreshCompilation(), AnalyzerCatalog.All, out _);
        RunAnalyzers(corpus.CreateFreshCompilation(), Probes, out _);
        foreach (var analyzer in AnalyzerCatalog.All)
        {
            RunAnalyzers(corpus.CreateFreshCompilation(), ImmutableArray.Create(analyzer), out _);
        }
    }

    /// <summary>
    /// Compiles and analyzes <paramref name="corpus"/> until two rounds in a row are quiet. The runtime recompiles hot
    /// methods on a background thread for tens of seconds after a process starts, and a compile measured meanwhile took
    /// about twice its wall time in CPU time (1,373 CPU ms for 689 wall ms on the no-threading corpus), with the code under
    /// test not yet optimized; the rules' own methods that run once or a few times per compilation are only recompiled
    /// after some rounds (the rules' logged time on NLog, probed, fell from 101 ms in the fifth round to 54 ms in the
    /// seventh and stayed there). A round is quiet when its compile used at most 10 % more CPU time than wall time (the
    /// compile is single-threaded; an analysis is not always, as the driver may run the compiler's event queue beside the
    /// analyzers) and the rules' logged time is within 10 % (or 0.5 ms) of the previous round's. Returns the rounds it took, or 0 when
    /// it was not quiet after <see cref="MaxSettleRounds"/>.
    /// </summary>
    public static int Settle(SourceCorpus corpus, string input, int scale, Action<string> log)
    {
        var quiet = 0;
        var previousLogged = double.NaN;
        for (var round = 1; round <= MaxSettleRounds; round++)
        {
            var compiled = corpus.CreateFreshCompilation();
            var compile = Sample.Measure(() => compiled.GetDiagnostics());
            var analyzed = corpus.CreateFreshCompilation();
            var run = RunAnalyzers(analyzed, AnalyzerCatalog.All, out _);
            var logged = 0.0;
            foreach (var analyzer in AnalyzerCatalog.All)
            {
                logged += run.ExecutionMs(analyzer);
            }

            var steady = Math.Abs(logged - previousLogged) <= Math.Max(0.1 * previousLogged, 0.5);
            previousLogged = logged;
            quiet = compile.CpuMs <= compile.WallMs * 1.1 && steady ? quiet + 1 : 0;
            if (quiet == 2)
            {
                log($"  {input} x{scale}: JIT settled after {round} rounds");
                return round;
            }
        }

        log($"  {input} x{scale}: JIT still busy after {MaxSettleRounds} rounds; measuring anyway");
        return 0;
    }

    private static AnalyzerRun RunAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, out ImmutableArray<Diagnostic> diagnostics)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new AnalyzerRun(withAnalyzers, diagnostics, exceptions);
    }

    private static int CountErrors(ImmutableArray<Diagnostic> diagnostics)
    {
        var errors = 0;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                errors++;
            }
        }

        return errors;
    }

    private sealed class AnalyzerRun
    {
        private readonly CompilationWithAnalyzers _withAnalyzers;
        private readonly ImmutableArray<Diagnostic> _diagnostics;
        private readonly ConcurrentQueue<string> _exceptions;

        public AnalyzerRun(CompilationWithAnalyzers withAnalyzers, ImmutableArray<Diagnostic> diagnostics, ConcurrentQueue<string> exceptions)
        {
            _withAnalyzers = withAnalyzers;
            _diagnostics = diagnostics;
            _exceptions = exceptions;
        }

        public double ExecutionMs(DiagnosticAnalyzer analyzer)
            => _withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;

        public void CollectOutcome(InputResult result)
        {
            foreach (var diagnostic in _diagnostics)
            {
                if (diagnostic.Id == "AD0001")
                {
                    result.AnalyzerExceptions.Add(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                    continue;
                }

                result.Reports[diagnostic.Id] = result.Reports.TryGetValue(diagnostic.Id, out var count) ? count + 1 : 1;
            }

            foreach (var exception in _exceptions)
            {
                result.AnalyzerExceptions.Add(exception);
            }
        }
    }
}
