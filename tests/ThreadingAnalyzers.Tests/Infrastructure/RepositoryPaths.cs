using System;
using System.IO;

namespace ThreadingAnalyzers.Tests.Infrastructure;

/// <summary>Paths inside the repository the tests run from.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ThreadingAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ThreadingAnalyzers.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string Docs => Path.Combine(Root, "docs", "rules");

    public static string Readme => Path.Combine(Root, "README.md");

    public static string Sample => Path.Combine(Root, "samples", "ThreadingPitfalls");

    /// <summary>The C# sources of a project folder, without bin/ and obj/.</summary>
    public static string[] SourceFiles(string projectDirectory)
    {
        var files = Directory.GetFiles(projectDirectory, "*.cs", SearchOption.AllDirectories);
        return Array.FindAll(files, f =>
        {
            var relative = Path.GetRelativePath(projectDirectory, f).Replace('\\', '/');
            return !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal);
        });
    }
}
