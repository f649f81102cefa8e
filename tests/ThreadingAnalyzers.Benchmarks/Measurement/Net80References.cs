using System;
using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>
/// The net8.0 reference pack every corpus compiles against, restored into the NuGet cache by the project's
/// <c>PackageDownload</c> (the same pack and version as the test project's <c>TestReferences</c>).
/// </summary>
internal static class Net80References
{
    public const string PackVersion = "8.0.33";

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAll = new(Load);

    public static ImmutableArray<MetadataReference> All => LazyAll.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var directory = Path.Combine(packages, "microsoft.netcore.app.ref", PackVersion, "ref", "net8.0");
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException(
                $"The net8.0 reference pack is missing at {directory}; run 'dotnet restore tests/ThreadingAnalyzers.Benchmarks' first.");
        }

        var files = Directory.GetFiles(directory, "*.dll");
        Array.Sort(files, StringComparer.Ordinal);
        var builder = ImmutableArray.CreateBuilder<MetadataReference>(files.Length);
        foreach (var file in files)
        {
            builder.Add(MetadataReference.CreateFromFile(file));
        }

        return builder.MoveToImmutable();
    }
}
