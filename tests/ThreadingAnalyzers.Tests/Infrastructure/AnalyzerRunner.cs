using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Tests.Verifiers;

namespace ThreadingAnalyzers.Tests.Infrastructure;

/// <summary>What running analyzers over some code produced: their diagnostics and any exception they threw.</summary>
public sealed record AnalysisOutcome(Compilation Compilation, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Exceptions);

/// <summary>Runs the package's analyzers over sources outside the verifier, collecting analyzer exceptions instead of failing on them.</summary>
public static class AnalyzerRunner
{
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> LazyAll = new(() =>
        typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray());

    /// <summary>Every analyzer the package ships, in name order.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> All => LazyAll.Value;

    public static CSharpCompilation Compile(IEnumerable<string> sources, LanguageVersion languageVersion = LanguageVersion.CSharp12, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var parseOptions = new CSharpParseOptions(languageVersion);
        var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions, path: $"Source{i}.cs"));
        return CSharpCompilation.Create(
            "Analyzed",
            trees,
            TestReferences.MetadataReferences,
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(TestCompilation.QuietWarnings));
    }

    public static Task<AnalysisOutcome> RunAsync(string source, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
        => RunAsync(Compile(new[] { source }), analyzers);

    public static async Task<AnalysisOutcome> RunAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer>? analyzers = null, bool concurrent = true, CancellationToken cancellationToken = default)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers ?? All, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Id == "AD0001")
            {
                exceptions.Enqueue(diagnostic.ToString());
            }
        }

        return new AnalysisOutcome(compilation, diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(), exceptions.ToArray());
    }

    /// <summary>Fails when any analyzer throws on <paramref name="source"/>; diagnostics and compiler errors are allowed.</summary>
    public static async Task AssertNoAnalyzerExceptionAsync(string source)
    {
        var outcome = await RunAsync(source);
        Assert.True(outcome.Exceptions.Count == 0, string.Join(Environment.NewLine, outcome.Exceptions));
    }
}
