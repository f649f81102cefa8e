using System;
using System.IO;
using System.Linq;

namespace ThreadingAnalyzers.PackageTests;

/// <summary>
/// Packs the real package once per test run (a unique pre-release version, so no NuGet cache can serve a stale
/// copy) into a local folder feed, and makes consumer projects that restore it from there.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "threading-analyzers-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

        // Pack from a copy of the sources, so the repository's own obj/ folders are never touched while other
        // test projects build or run from them.
        var sources = Path.Combine(Root, "repo");
        CopySources(DotNet.RepositoryRoot(), sources);
        var project = Path.Combine(sources, "src", "ThreadingAnalyzers.Package", "ThreadingAnalyzers.Package.csproj");
        var (exitCode, output) = DotNet.Run(sources, packagesDirectory: null, "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version, "-p:PackageOutputPath=" + Feed);
        PackOutput = output;
        Package = Directory.GetFiles(Feed, "*.nupkg").SingleOrDefault()
            ?? throw new InvalidOperationException($"dotnet pack (exit {exitCode}) produced no package:\n{output}");
    }

    public string Root { get; }

    public string Feed { get; }

    public string Packages { get; }

    public string Version { get; }

    public string Package { get; }

    public string PackOutput { get; }

    /// <summary>A fresh consumer project referencing the package, outside any repository.</summary>
    public Consumer CreateConsumer(string name, string programSource)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>\n");
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ThreadingAnalyzers" Version="{Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), programSource);
        return new Consumer(directory, Packages);
    }

    private static void CopySources(string repository, string target)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", "LICENSE" })
        {
            Directory.CreateDirectory(target);
            File.Copy(Path.Combine(repository, file), Path.Combine(target, file));
        }

        var src = Path.Combine(repository, "src");
        foreach (var file in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj"))
            {
                continue;
            }

            var destination = Path.Combine(target, "src", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A consumer project on disk.</summary>
public sealed record Consumer(string Directory, string Packages)
{
    public string ProjectFile => Path.Combine(Directory, "Consumer.csproj");

    public (int ExitCode, string Output) Build(params string[] extraArguments)
        => DotNet.Run(Directory, Packages, new[] { "build", ProjectFile, "-nologo", "-tl:off", "-clp:NoSummary" }.Concat(extraArguments).ToArray());

    public (int ExitCode, string Output) Run(params string[] arguments)
        => DotNet.Run(Directory, Packages, arguments);
}
