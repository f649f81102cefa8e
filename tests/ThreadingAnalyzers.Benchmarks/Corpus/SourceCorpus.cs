using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ThreadingAnalyzers.Benchmarks.Corpus;

/// <summary>One input of the benchmark: parsed C# files (every measured run compiles fresh copies, see <see cref="CreateFreshCompilation"/>).</summary>
internal sealed class SourceCorpus
{
    /// <summary>The global usings an SDK project with <c>ImplicitUsings</c> gets.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private SourceCorpus(string name, string description, ImmutableArray<SyntaxTree> trees, int lines, bool nullable)
    {
        Name = name;
        Description = description;
        Trees = trees;
        Lines = lines;
        Nullable = nullable;
    }

    public string Name { get; }

    public string Description { get; }

    public ImmutableArray<SyntaxTree> Trees { get; }

    /// <summary>Physical lines of all files.</summary>
    public int Lines { get; }

    public bool Nullable { get; }

    public static SourceCorpus FromSources(string name, string description, IReadOnlyList<(string Path, string Text)> sources, bool nullable = true, IEnumerable<string>? preprocessorSymbols = null, LanguageVersion languageVersion = LanguageVersion.CSharp12)
    {
        var options = new CSharpParseOptions(languageVersion, preprocessorSymbols: preprocessorSymbols);
        var trees = ImmutableArray.CreateBuilder<SyntaxTree>(sources.Count);
        var lines = 0;
        foreach (var (path, text) in sources)
        {
            var sourceText = SourceText.From(text, Encoding.UTF8);
            lines += sourceText.Lines.Count;
            trees.Add(CSharpSyntaxTree.ParseText(sourceText, options, path));
        }

        return new SourceCorpus(name, description, trees.MoveToImmutable(), lines, nullable);
    }

    /// <summary>
    /// Every <c>*.cs</c> file under <paramref name="folder"/> except <c>bin/</c> and <c>obj/</c>, compiled as one
    /// library against the net8.0 reference pack (package references are not restored, so code that needs them
    /// has compiler errors; it is still bound, which is what the baseline measures). Nullable context and implicit
    /// usings follow the project files found in the folder (enabled when any of them enables them).
    /// </summary>
    public static SourceCorpus FromFolder(string folder)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException("No such folder: " + root);
        }

        var sources = new List<(string, string)>();
        var nullable = false;
        var implicitUsings = false;
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (IsBuildOutput(relative))
            {
                continue;
            }

            if (file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            {
                sources.Add((relative, File.ReadAllText(file)));
            }
            else if (file.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".props", StringComparison.OrdinalIgnoreCase))
            {
                var project = File.ReadAllText(file);
                nullable |= Regex.IsMatch(project, @"<Nullable>\s*enable\s*</Nullable>", RegexOptions.IgnoreCase);
                implicitUsings |= Regex.IsMatch(project, @"<ImplicitUsings>\s*(enable|true)\s*</ImplicitUsings>", RegexOptions.IgnoreCase);
            }
        }

        sources.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        if (implicitUsings)
        {
            sources.Add(("ImplicitUsings.g.cs", ImplicitUsings));
        }

        var name = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
        var description = $"{sources.Count} files under {root} (nullable {(nullable ? "enabled" : "disabled")}, implicit usings {(implicitUsings ? "on" : "off")})";
        string[] symbols = ["NET", "NET8_0", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER", "NETSTANDARD2_0_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "RELEASE", "TRACE"];
        // Real code may use the newest syntax; the host compiler's latest language version parses the most of it.
        return FromSources(name, description, sources, nullable, symbols, LanguageVersion.Preview);
    }

    private static bool IsBuildOutput(string relativePath)
    {
        foreach (var part in relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (part.Equals("bin", StringComparison.OrdinalIgnoreCase) || part.Equals("obj", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A fresh compilation of the corpus: nothing bound yet, single-threaded.</summary>
    public CSharpCompilation CreateCompilation() => Compile(Trees);

    /// <summary>
    /// A compilation of freshly parsed copies of the trees. The analyzers cache per-tree facts (text scans for thread,
    /// lock and start words) that live as long as the tree; a real build parses its files anew, so every measured
    /// run does too, outside the time measured.
    /// </summary>
    public CSharpCompilation CreateFreshCompilation()
    {
        var trees = new SyntaxTree[Trees.Length];
        for (var i = 0; i < trees.Length; i++)
        {
            var tree = Trees[i];
            trees[i] = CSharpSyntaxTree.ParseText(tree.GetText(), (CSharpParseOptions)tree.Options, tree.FilePath);
        }

        return Compile(trees);
    }

    private CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) => CSharpCompilation.Create(
        "Corpus_" + Name,
        trees,
        Measurement.Net80References.All,
        new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: Nullable ? NullableContextOptions.Enable : NullableContextOptions.Disable,
            concurrentBuild: false,
            allowUnsafe: true));
}
