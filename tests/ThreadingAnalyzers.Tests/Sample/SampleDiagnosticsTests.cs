using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Sample;

/// <summary>
/// Building the sample reports exactly the diagnostics its naive code is marked with (<c>// expect: THRnnn</c>)
/// and nothing on the fixed code: the sample is also the analyzers' "valid code" check.
/// </summary>
public partial class SampleDiagnosticsTests
{
    [GeneratedRegex(@"//\s*expect:\s*(?<ids>THR\d{3}(\s*,\s*THR\d{3})*)")]
    private static partial Regex ExpectMarker();

    [Fact]
    public async Task The_sample_reports_exactly_the_marked_lines()
    {
        var files = RepositoryPaths.SourceFiles(RepositoryPaths.Sample);
        var sources = files.Select(File.ReadAllText).ToArray();
        var compilation = AnalyzerRunner.Compile(sources, outputKind: OutputKind.ConsoleApplication);

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The sample does not compile:\n" + string.Join("\n", errors));

        var outcome = await AnalyzerRunner.RunAsync(compilation);
        Assert.Empty(outcome.Exceptions);

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Length; i++)
        {
            var lines = sources[i].Split('\n');
            for (var line = 0; line < lines.Length; line++)
            {
                var match = ExpectMarker().Match(lines[line]);
                if (!match.Success)
                {
                    continue;
                }

                foreach (var id in match.Groups["ids"].Value.Split(',', StringSplitOptions.TrimEntries))
                {
                    expected.Add(Key(files[i], line + 1, id));
                }
            }
        }

        var actual = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var diagnostic in outcome.Diagnostics.Where(d => d.Id.StartsWith("THR", StringComparison.Ordinal)))
        {
            var span = diagnostic.Location.GetLineSpan();
            var index = int.Parse(Path.GetFileNameWithoutExtension(span.Path).AsSpan("Source".Length), System.Globalization.CultureInfo.InvariantCulture);
            actual.Add(Key(files[index], span.StartLinePosition.Line + 1, diagnostic.Id));
        }

        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).ToList();
        Assert.True(
            missing.Count == 0 && unexpected.Count == 0,
            "Marked but not reported:\n  " + string.Join("\n  ", missing) + "\nReported but not marked:\n  " + string.Join("\n  ", unexpected));
        Assert.NotEmpty(expected);
    }

    private static string Key(string file, int line, string id)
        => $"{Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/')}:{line}: {id}";
}
