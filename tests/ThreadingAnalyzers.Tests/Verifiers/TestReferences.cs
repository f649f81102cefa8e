using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ThreadingAnalyzers.Tests.Verifiers;

/// <summary>
/// The reference assemblies every test compiles against: the net8.0 reference pack, restored by the test project's
/// <c>PackageDownload</c> (8.0.0 itself is not served here, so the testing library's own Net80 cannot be used).
/// </summary>
internal static class TestReferences
{
    public const string PackVersion = "8.0.33";

    public static ReferenceAssemblies Net80 { get; } = new(
        "net8.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", PackVersion),
        Path.Combine("ref", "net8.0"));

    private static readonly System.Lazy<ImmutableArray<MetadataReference>> LazyMetadataReferences = new(LoadMetadataReferences);

    /// <summary>The same assemblies as plain metadata references, for tests that build compilations themselves.</summary>
    public static ImmutableArray<MetadataReference> MetadataReferences => LazyMetadataReferences.Value;

    private static ImmutableArray<MetadataReference> LoadMetadataReferences()
    {
        var packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var directory = Path.Combine(packages, "microsoft.netcore.app.ref", PackVersion, "ref", "net8.0");
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var file in Directory.GetFiles(directory, "*.dll"))
        {
            builder.Add(MetadataReference.CreateFromFile(file));
        }

        return builder.ToImmutable();
    }
}
