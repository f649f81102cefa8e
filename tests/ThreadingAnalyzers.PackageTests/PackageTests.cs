using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ThreadingAnalyzers.PackageTests;

/// <summary>What a user gets: the package layout, and THR001 and THR004 reported, escalated, silenced and fixed in a real build.</summary>
public class PackageTests : IClassFixture<PackageFixture>
{
    /// <summary>Line 10 starts the thread a second time.</summary>
    private const string ProgramWithThr001 = """
        using System.Threading;

        public static class Program
        {
            public static void Main()
            {
                var worker = new Thread(() => { }) { Name = "worker" };
                worker.Start();
                worker.Join();
                worker.Start();
                worker.Join();
            }
        }
        """;

    /// <summary>
    /// Line 10 increments a counter from every Parallel.For iteration (THR004, a rule that waits for the end of the
    /// compilation in a build); line 12 does the same under a pragma.
    /// </summary>
    private const string ProgramWithThr004 = """
        using System.Threading.Tasks;

        public static class Program
        {
            private static int _count;
            private static int _quiet;

            public static void Main()
            {
                Parallel.For(0, 1000, i => _count++);
        #pragma warning disable THR004 // the package test's suppressed twin
                Parallel.For(0, 1000, i => _quiet++);
        #pragma warning restore THR004
                System.Console.WriteLine(_count + _quiet);
            }
        }
        """;

    private const string HelpLink = "https://github.com/threading-analyzers/ThreadingAnalyzers/blob/main/docs/rules/THR001.md";

    private readonly PackageFixture _fixture;

    public PackageTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public void The_package_holds_exactly_the_two_analyzer_assemblies_and_no_dependencies()
    {
        using var archive = ZipFile.OpenRead(_fixture.Package);
        var files = archive.Entries.Select(e => e.FullName).Where(n => !n.EndsWith('/')).ToList();
        var analyzers = files.Where(f => f.StartsWith("analyzers/", System.StringComparison.Ordinal)).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "analyzers/dotnet/cs/ThreadingAnalyzers.CodeFixes.dll", "analyzers/dotnet/cs/ThreadingAnalyzers.dll" }, analyzers);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", System.StringComparison.Ordinal));
        Assert.Contains("README.md", files);

        var nuspecEntry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", System.StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal("ThreadingAnalyzers", Value("id"));
        Assert.Equal("true", Value("developmentDependency"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("projectUrl")));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.Null(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies"));
    }

    [Fact]
    public void Build_reports_THR001_at_the_second_start_with_the_help_link_and_in_SARIF()
    {
        var consumer = _fixture.CreateConsumer("report", ProgramWithThr001);
        var sarif = Path.Combine(consumer.Directory, "out.sarif");
        var (exitCode, output) = consumer.Build("-p:ErrorLog=" + sarif + "%2Cversion=2.1");

        Assert.True(exitCode == 0, output);
        var warnings = Regex.Matches(output, @"Program\.cs\((?<line>\d+),(?<column>\d+)\): warning THR001: (?<message>[^\r\n]*)");
        var warning = Assert.Single(warnings.Select(m => m.Groups["line"].Value + ":" + m.Groups["column"].Value + ":" + m.Groups["message"].Value).Distinct());
        Assert.StartsWith("10:9:Thread 'worker' may already be started here", warning, System.StringComparison.Ordinal);
        Assert.Contains(HelpLink, warning, System.StringComparison.Ordinal);

        using var document = JsonDocument.Parse(File.ReadAllText(sarif));
        var run = document.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("ruleId").GetString() == "THR001").ToList();
        var result = Assert.Single(results);
        Assert.Equal("warning", result.GetProperty("level").GetString());
        var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(10, region.GetProperty("startLine").GetInt32());
        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "THR001");
        Assert.Equal(HelpLink, rule.GetProperty("helpUri").GetString());
    }

    [Fact]
    public void Warnaserror_fails_the_build()
    {
        var consumer = _fixture.CreateConsumer("warnaserror", ProgramWithThr001);
        var (exitCode, output) = consumer.Build("-warnaserror");
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"Program\.cs\(10,9\): error THR001", output);
    }

    [Fact]
    public void Editorconfig_severity_none_silences_the_rule()
    {
        var consumer = _fixture.CreateConsumer("silenced", ProgramWithThr001);
        File.WriteAllText(Path.Combine(consumer.Directory, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.THR001.severity = none\n");
        var (exitCode, output) = consumer.Build();
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("THR001", output, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Dotnet_format_applies_the_code_fix_and_the_rebuild_is_clean()
    {
        var consumer = _fixture.CreateConsumer("format", ProgramWithThr001);
        var restore = consumer.Run("restore", consumer.ProjectFile);
        Assert.True(restore.ExitCode == 0, restore.Output);

        var format = consumer.Run("format", "analyzers", consumer.ProjectFile, "--diagnostics", "THR001", "--severity", "info", "--no-restore", "-v", "diag");
        Assert.True(format.ExitCode == 0, format.Output);

        var program = File.ReadAllText(Path.Combine(consumer.Directory, "Program.cs"));
        Assert.Contains("worker = new Thread(() => { }) { Name = \"worker\" };", program, System.StringComparison.Ordinal);

        var (exitCode, output) = consumer.Build();
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("THR001", output, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_compilation_rule_is_reported_suppressed_and_fixed_like_any_other()
    {
        var consumer = _fixture.CreateConsumer("whole", ProgramWithThr004);
        var (exitCode, output) = consumer.Build();
        Assert.True(exitCode == 0, output);
        var warnings = Regex.Matches(output, @"Program\.cs\((?<line>\d+),\d+\): warning THR004: (?<message>[^\r\n]*)");
        var warning = Assert.Single(warnings.Select(m => m.Groups["line"].Value + ":" + m.Groups["message"].Value).Distinct());
        Assert.StartsWith("10:'_count' is incremented by every Parallel.For iteration", warning, System.StringComparison.Ordinal);

        var format = consumer.Run("format", "analyzers", consumer.ProjectFile, "--diagnostics", "THR004", "--severity", "info", "--no-restore", "-v", "diag");
        Assert.True(format.ExitCode == 0, format.Output);
        var program = File.ReadAllText(Path.Combine(consumer.Directory, "Program.cs"));
        Assert.Contains("Interlocked.Increment(ref _count)", program, System.StringComparison.Ordinal);
        Assert.Contains("_quiet++", program, System.StringComparison.Ordinal);

        (exitCode, output) = consumer.Build();
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("THR004", output, System.StringComparison.Ordinal);
    }
}
