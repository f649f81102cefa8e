using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.RealCode;

/// <summary>
/// <c>dotnet run -c Release --project tests/ThreadingAnalyzers.RealCode -- FOLDER… [--out report.txt] [--refs DIR_OR_DLL]…</c>:
/// every analyzer over real code, with the numbers a maintainer checks before a release.
/// </summary>
internal static class Program
{
    private const string RefPackVersion = "8.0.33";

    private static readonly string[] PreprocessorSymbols =
    {
        "TRACE", "RELEASE", "NET", "NET8_0", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER",
        "NETCOREAPP2_0_OR_GREATER", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER",
        "NETSTANDARD2_1_OR_GREATER", "NETSTANDARD2_0_OR_GREATER",
    };

    private static readonly string[] ImplicitUsings =
    {
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    };

    public static async Task<int> Main(string[] args)
    {
        var folders = new List<string>();
        string? output = null;
        var extraReferences = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--refs" when i + 1 < args.Length:
                    extraReferences.Add(args[++i]);
                    break;
                case "-h" or "--help":
                    Console.WriteLine("usage: ThreadingAnalyzers.RealCode FOLDER... [--out FILE] [--refs DIR_OR_DLL]...");
                    return 0;
                default:
                    folders.Add(Path.GetFullPath(args[i]));
                    break;
            }
        }

        if (folders.Count == 0)
        {
            Console.Error.WriteLine("usage: ThreadingAnalyzers.RealCode FOLDER... [--out FILE] [--refs DIR_OR_DLL]...");
            return 2;
        }

        var references = LoadReferences(extraReferences.Prepend(DefaultReferenceDirectory()));
        var analyzers = typeof(ThreadingAnalyzers.Rules.THR001ThreadStartedTwiceAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var ruleIds = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToList();

        var totals = new Totals();
        var report = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        foreach (var folder in folders)
        {
            Console.WriteLine($"== {folder}");
            var projects = Discover(folder);
            var compiled = new Dictionary<string, Compilation>(StringComparer.Ordinal);
            foreach (var project in TopologicalOrder(projects))
            {
                var projectReferences = project.References
                    .Where(compiled.ContainsKey)
                    .Select(r => compiled[r].ToMetadataReference())
                    .ToList();
                var compilation = Compile(project, references.Concat(projectReferences));
                compiled[project.Path] = compilation;
                await AnalyzeAsync(project, compilation, analyzers, folder, totals, report);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Analyzers: {analyzers.Length}; projects: {totals.Projects}; files: {totals.Files}; lines: {totals.Lines.ToString("N0", CultureInfo.InvariantCulture)}; "
            + $"compiler errors: {totals.CompilerErrors} (unresolved packages); time: {stopwatch.Elapsed.TotalSeconds:F0} s (analysis {totals.AnalysisTime.TotalSeconds:F0} s)");
        Console.WriteLine("Diagnostics per rule:");
        foreach (var id in ruleIds)
        {
            Console.WriteLine($"  {id}: {totals.PerRule.GetValueOrDefault(id)}");
        }

        Console.WriteLine($"Analyzer exceptions: {totals.Exceptions.Count}");
        foreach (var exception in totals.Exceptions.Take(20))
        {
            Console.WriteLine("  " + exception.Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        if (output is not null)
        {
            File.WriteAllText(output, report.ToString());
            Console.WriteLine($"Every diagnostic, with its line: {output}");
        }

        return totals.Exceptions.Count == 0 ? 0 : 1;
    }

    private sealed class Totals
    {
        public int Projects { get; set; }

        public int Files { get; set; }

        public long Lines { get; set; }

        public int CompilerErrors { get; set; }

        public TimeSpan AnalysisTime { get; set; }

        public Dictionary<string, int> PerRule { get; } = new(StringComparer.Ordinal);

        public List<string> Exceptions { get; } = new();
    }

    private sealed record ProjectInfo(string Path, string Name, List<string> Files, List<string> References, bool ImplicitUsings, bool Unsafe);

    private static async Task AnalyzeAsync(ProjectInfo project, Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, string folder, Totals totals, StringBuilder report)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} in {project.Name}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}\n{exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var stopwatch = Stopwatch.StartNew();
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        var elapsed = stopwatch.Elapsed;
        var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);

        var lines = 0L;
        foreach (var tree in compilation.SyntaxTrees)
        {
            lines += tree.GetText().Lines.Count;
        }

        totals.Projects++;
        totals.Files += project.Files.Count;
        totals.Lines += lines;
        totals.CompilerErrors += errors;
        totals.AnalysisTime += elapsed;
        totals.Exceptions.AddRange(exceptions);
        var ours = diagnostics.Where(d => d.Id.StartsWith("THR", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToList();
        foreach (var diagnostic in ours)
        {
            totals.PerRule[diagnostic.Id] = totals.PerRule.GetValueOrDefault(diagnostic.Id) + 1;
            var span = diagnostic.Location.GetLineSpan();
            var text = diagnostic.Location.SourceTree?.GetText().Lines[span.StartLinePosition.Line].ToString().Trim() ?? string.Empty;
            report.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder, span.Path)}:{span.StartLinePosition.Line + 1}: {diagnostic.Id} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}\n    {text}\n");
        }

        foreach (var exception in exceptions)
        {
            report.Append("EXCEPTION ").Append(exception).Append('\n');
        }

        Console.WriteLine($"  {project.Name}: {project.Files.Count} files, {lines} lines, {errors} compiler errors, {ours.Count} diagnostics, {exceptions.Count} exceptions, {elapsed.TotalSeconds:F1} s");
    }

    private static Compilation Compile(ProjectInfo project, IEnumerable<MetadataReference> references)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: PreprocessorSymbols);
        var trees = new List<SyntaxTree>();
        Parallel.ForEach(project.Files, file =>
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), parseOptions, path: file);
            lock (trees)
            {
                trees.Add(tree);
            }
        });
        trees.Sort((a, b) => string.CompareOrdinal(a.FilePath, b.FilePath));
        if (project.ImplicitUsings)
        {
            trees.Add(CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), parseOptions, path: project.Path + ".GlobalUsings.g.cs"));
        }

        return CSharpCompilation.Create(
            project.Name,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: project.Unsafe, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Every .csproj under <paramref name="folder"/> with the .cs files under its directory (not those of a nested project); loose files form one more project.</summary>
    private static List<ProjectInfo> Discover(string folder)
    {
        var projectFiles = Directory.GetFiles(folder, "*.csproj", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p)).OrderBy(p => p, StringComparer.Ordinal).ToList();
        var projectDirectories = projectFiles.Select(p => Path.GetDirectoryName(p)!).ToHashSet(StringComparer.Ordinal);
        var filesByDirectory = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var loose = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (IsBuildOutput(file))
            {
                continue;
            }

            var owner = Path.GetDirectoryName(file);
            while (owner is not null && owner.Length >= folder.Length && !projectDirectories.Contains(owner))
            {
                owner = Path.GetDirectoryName(owner);
            }

            if (owner is null || !projectDirectories.Contains(owner))
            {
                loose.Add(file);
                continue;
            }

            if (!filesByDirectory.TryGetValue(owner, out var list))
            {
                filesByDirectory[owner] = list = new List<string>();
            }

            list.Add(file);
        }

        var projects = new List<ProjectInfo>();
        foreach (var projectFile in projectFiles)
        {
            var directory = Path.GetDirectoryName(projectFile)!;
            if (!filesByDirectory.TryGetValue(directory, out var files))
            {
                continue;
            }

            // Several projects in one folder share its files: the first one takes them.
            filesByDirectory.Remove(directory);
            XDocument? xml = null;
            try
            {
                xml = XDocument.Load(projectFile);
            }
            catch (System.Xml.XmlException)
            {
            }

            var elements = xml?.Descendants().ToList() ?? new List<XElement>();
            var references = elements
                .Where(e => e.Name.LocalName == "ProjectReference" && e.Attribute("Include") is not null)
                .Select(e => Path.GetFullPath(Path.Combine(directory, e.Attribute("Include")!.Value.Replace('\\', '/'))))
                .ToList();
            var implicitUsings = elements.Any(e => e.Name.LocalName == "ImplicitUsings" && e.Value.Trim() is "enable" or "true");
            var allowUnsafe = elements.Any(e => e.Name.LocalName == "AllowUnsafeBlocks" && e.Value.Trim() == "true");
            projects.Add(new ProjectInfo(projectFile, Path.GetFileNameWithoutExtension(projectFile), files, references, implicitUsings, allowUnsafe));
        }

        if (loose.Count > 0)
        {
            projects.Add(new ProjectInfo(Path.Combine(folder, "(loose files)"), "(loose files)", loose, new List<string>(), false, true));
        }

        return projects;
    }

    private static bool IsBuildOutput(string path)
    {
        var normalized = path.Replace('\\', '/');
        return normalized.Contains("/bin/", StringComparison.Ordinal) || normalized.Contains("/obj/", StringComparison.Ordinal);
    }

    /// <summary>Referenced projects first; a reference cycle or a reference outside the folder is ignored.</summary>
    private static List<ProjectInfo> TopologicalOrder(List<ProjectInfo> projects)
    {
        var byPath = projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var order = new List<ProjectInfo>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            Visit(project);
        }

        return order;

        void Visit(ProjectInfo project)
        {
            if (state.GetValueOrDefault(project.Path) != 0)
            {
                return;
            }

            state[project.Path] = 1;
            foreach (var reference in project.References)
            {
                if (byPath.TryGetValue(reference, out var referenced))
                {
                    Visit(referenced);
                }
            }

            state[project.Path] = 2;
            order.Add(project);
        }
    }

    private static string DefaultReferenceDirectory()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "microsoft.netcore.app.ref", RefPackVersion, "ref", "net8.0");
    }

    /// <summary>The net8.0 reference pack, then the assemblies given with <c>--refs</c> (a folder's DLLs or one DLL); the first assembly of a name wins.</summary>
    private static List<MetadataReference> LoadReferences(IEnumerable<string> locations)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var references = new List<MetadataReference>();
        foreach (var location in locations)
        {
            var files = Directory.Exists(location) ? Directory.GetFiles(location, "*.dll").OrderBy(f => f, StringComparer.Ordinal).ToArray() : new[] { location };
            foreach (var file in files)
            {
                if (names.Add(Path.GetFileName(file)))
                {
                    references.Add(MetadataReference.CreateFromFile(file));
                }
            }
        }

        return references;
    }
}
