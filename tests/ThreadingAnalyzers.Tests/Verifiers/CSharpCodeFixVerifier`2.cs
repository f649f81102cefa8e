using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadingAnalyzers.Tests.Verifiers;

/// <summary>
/// Runs one analyzer and its code fix. Whenever a fixed source is given, the testing library also applies the
/// fix through Fix All in document, project and solution scope and compares the result.
/// </summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic() => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic();

    public static DiagnosticResult Diagnostic(string diagnosticId) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(diagnosticId);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public static Task VerifyCodeFixAsync(string source, string fixedSource)
        => VerifyCodeFixAsync(source, System.Array.Empty<DiagnosticResult>(), fixedSource);

    public static Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Asserts the diagnostics in <paramref name="source"/> and that the fixer offers nothing for them.</summary>
    public static Task VerifyNoCodeFixAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.Net80;

            // Rules that need the whole compilation report at its end when the whole compilation is analysed, as here:
            // the library then sees non-local diagnostics. The IDE, which offers the fixes, analyses one document and
            // gets them locally, which CreateCompilationWithAnalyzers checks for every test (DocumentAnalysis).
            CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
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
