using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadingAnalyzers.Tests.Verifiers;

/// <summary>Runs one analyzer over C# sources and compares its diagnostics with the markup.</summary>
public static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic() => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic();

    public static DiagnosticResult Diagnostic(string diagnosticId) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(diagnosticId);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.Net80;
        }

        public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

        protected override ParseOptions CreateParseOptions() => TestCompilation.Configure(base.CreateParseOptions(), LanguageVersion);

        protected override CompilationOptions CreateCompilationOptions() => TestCompilation.Configure(base.CreateCompilationOptions());

        /// <summary>Also checks, once per compilation the library analyses, that the IDE's per-document analysis agrees (<see cref="DocumentAnalysis"/>).</summary>
        protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            DocumentAnalysis.AssertSameAsWholeCompilation(compilation, analyzers, options, cancellationToken);
            return base.CreateCompilationWithAnalyzers(compilation, analyzers, options, cancellationToken);
        }
    }
}
