using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Benchmarks.Corpus;
using ThreadingAnalyzers.Benchmarks.Measurement;

namespace ThreadingAnalyzers.Benchmarks;

/// <summary>
/// The BenchmarkDotNet view of the same question (<c>-- bdn</c>): the compiler alone, the compiler with every
/// analyzer, and with each analyzer alone, on the generated corpora, with allocations. Smaller corpora than the
/// report (BenchmarkDotNet repeats each case many times); the per-rule report is the plain harness.
/// </summary>
[MemoryDiagnoser]
public class CompilerBenchmarks
{
    private SourceCorpus _corpus = null!;

    [Params("threading", "no-threading")]
    public string Input { get; set; } = "threading";

    [Params(20_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup() => _corpus = Input == "threading" ? CorpusGenerator.Threading(Lines) : CorpusGenerator.Plain(Lines);

    [Benchmark(Baseline = true, Description = "Compiler (GetDiagnostics)")]
    public int Compiler() => _corpus.CreateCompilation().GetDiagnostics().Length;

    [Benchmark(Description = "Compiler + all analyzers")]
    public int AllAnalyzers() => Analyze(_corpus, AnalyzerCatalog.All);

    internal static int Analyze(SourceCorpus corpus, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        return corpus.CreateCompilation().WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult().Length;
    }
}

/// <summary>The compiler with one analyzer, for every analyzer the package ships (found by reflection).</summary>
[MemoryDiagnoser]
public class EachAnalyzerBenchmarks
{
    private SourceCorpus _corpus = null!;
    private ImmutableArray<DiagnosticAnalyzer> _analyzer;

    [Params("threading", "no-threading")]
    public string Input { get; set; } = "threading";

    [ParamsSource(nameof(AnalyzerNames))]
    public string Analyzer { get; set; } = string.Empty;

    public static IEnumerable<string> AnalyzerNames()
    {
        foreach (var analyzer in AnalyzerCatalog.All)
        {
            yield return analyzer.GetType().Name;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _corpus = Input == "threading" ? CorpusGenerator.Threading(20_000) : CorpusGenerator.Plain(20_000);
        foreach (var analyzer in AnalyzerCatalog.All)
        {
            if (analyzer.GetType().Name == Analyzer)
            {
                _analyzer = ImmutableArray.Create(analyzer);
            }
        }
    }

    [Benchmark(Description = "Compiler + one analyzer")]
    public int OneAnalyzer() => CompilerBenchmarks.Analyze(_corpus, _analyzer);
}
