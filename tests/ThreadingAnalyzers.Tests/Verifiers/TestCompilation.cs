using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Tests.Verifiers;

/// <summary>Compiler options shared by every test compilation.</summary>
internal static class TestCompilation
{
    /// <summary>
    /// Compiler warnings that test snippets trigger on purpose (unused variables, unassigned fields, obsolete
    /// Thread.Suspend…) and that say nothing about the analyzers.
    /// </summary>
    public static ImmutableDictionary<string, ReportDiagnostic> QuietWarnings { get; } = ImmutableDictionary.CreateRange(new[]
    {
        Quiet("CS0168"), Quiet("CS0169"), Quiet("CS0219"), Quiet("CS0414"), Quiet("CS0649"), Quiet("CS0162"),
        Quiet("CS0612"), Quiet("CS0618"), Quiet("CS1998"), Quiet("CS4014"), Quiet("CS8321"), Quiet("CS0067"),
    });

    public static ParseOptions Configure(ParseOptions options, Microsoft.CodeAnalysis.CSharp.LanguageVersion languageVersion)
        => ((Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)options).WithLanguageVersion(languageVersion);

    public static CompilationOptions Configure(CompilationOptions options) => options.WithSpecificDiagnosticOptions(QuietWarnings);

    private static System.Collections.Generic.KeyValuePair<string, ReportDiagnostic> Quiet(string id) => new(id, ReportDiagnostic.Suppress);
}
