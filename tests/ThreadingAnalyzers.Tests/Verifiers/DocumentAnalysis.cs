using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.Tests.Verifiers;

/// <summary>
/// The IDE asks the analyzers about one document at a time; a build, <c>dotnet format</c> and the testing library ask
/// about the whole compilation. Rules that need the whole compilation keep their work for its end in the second case
/// and do it on the spot in the first, so every verified test also checks that both ways report the same diagnostics,
/// and that each is reported by the analysis of its own document (a local diagnostic, which the IDE can squiggle and fix).
/// </summary>
internal static class DocumentAnalysis
{
    /// <summary>Throws when analysing each document alone does not report what analysing the compilation reports.</summary>
    public static void AssertSameAsWholeCompilation(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var whole = compilation.WithAnalyzers(analyzers, options)
            .GetAnalyzerDiagnosticsAsync(cancellationToken).GetAwaiter().GetResult()
            .Where(static diagnostic => !diagnostic.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
            .Select(Describe);

        var byDocument = new List<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var alone = compilation.WithAnalyzers(analyzers, options);
            byDocument.AddRange(alone.GetAnalyzerSyntaxDiagnosticsAsync(tree, cancellationToken).GetAwaiter().GetResult().Select(Describe));
            var model = compilation.GetSemanticModel(tree);
            byDocument.AddRange(alone.GetAnalyzerSemanticDiagnosticsAsync(model, null, cancellationToken).GetAwaiter().GetResult()
                .Where(static diagnostic => !diagnostic.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
                .Select(Describe));
        }

        var expected = string.Join(Environment.NewLine, whole.OrderBy(static line => line, StringComparer.Ordinal));
        var actual = string.Join(Environment.NewLine, byDocument.Distinct().OrderBy(static line => line, StringComparer.Ordinal));
        if (expected != actual)
        {
            throw new InvalidOperationException(
                "Analysing each document alone (as the IDE does) reported other diagnostics than analysing the whole compilation."
                + Environment.NewLine + "Whole compilation:" + Environment.NewLine + expected
                + Environment.NewLine + "Each document alone:" + Environment.NewLine + actual);
        }
    }

    private static string Describe(Diagnostic diagnostic)
        => diagnostic.Id + " " + diagnostic.Location.GetLineSpan() + " " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
}
