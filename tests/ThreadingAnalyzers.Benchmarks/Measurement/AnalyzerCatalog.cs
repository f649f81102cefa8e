using System;
using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>
/// Every analyzer the package ships, found by reflection over the analyzer assembly: a rule that lands is priced
/// with no change to the benchmark. <see cref="UseAssembly"/> prices another build of the analyzers instead
/// (e.g. a branch built elsewhere), loaded in its own load context next to the referenced one.
/// </summary>
internal static class AnalyzerCatalog
{
    private static Assembly _assembly = typeof(Descriptors).Assembly;
    private static ImmutableArray<DiagnosticAnalyzer>? _all;
    private static string[]? _rules;

    public static ImmutableArray<DiagnosticAnalyzer> All => _all ??= Discover(_assembly);

    /// <summary>Prices only the analyzers that report one of <paramref name="ruleIds"/> (e.g. THR004): a quicker look at a rule under work.</summary>
    public static void RestrictTo(string[] ruleIds)
    {
        _rules = ruleIds;
        _all = null;
    }

    /// <summary>Where the analyzers come from: the referenced project, or the assembly given on the command line.</summary>
    public static string Source => _assembly.Location;

    public static void UseAssembly(string path)
    {
        _assembly = Load(path);
        _all = null;
    }

    /// <summary>The analyzers of another build (<c>--compare</c>), restricted like <see cref="All"/>.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> FromAssembly(string path) => Discover(Load(path));

    private static Assembly Load(string path) => new AnalyzerLoadContext().LoadFromAssemblyPath(Path.GetFullPath(path));

    /// <summary>A short display name: the rule IDs the analyzer reports, then its class name.</summary>
    public static string DisplayName(DiagnosticAnalyzer analyzer)
    {
        var ids = string.Empty;
        foreach (var descriptor in analyzer.SupportedDiagnostics)
        {
            ids = ids.Length == 0 ? descriptor.Id : ids + "/" + descriptor.Id;
        }

        var name = analyzer.GetType().Name;
        if (name.EndsWith("Analyzer", StringComparison.Ordinal))
        {
            name = name.Substring(0, name.Length - "Analyzer".Length);
        }

        if (ids.Length > 0 && name.StartsWith(ids, StringComparison.Ordinal))
        {
            name = name.Substring(ids.Length);
        }

        return ids.Length == 0 ? name : ids + " " + name;
    }

    private static ImmutableArray<DiagnosticAnalyzer> Discover(Assembly assembly)
    {
        var types = assembly.GetTypes();
        Array.Sort(types, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var builder = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (var type in types)
        {
            if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                || type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is null
                || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
            if (_rules is null || Reports(analyzer, _rules))
            {
                builder.Add(analyzer);
            }
        }

        return builder.ToImmutable();
    }

    private static bool Reports(DiagnosticAnalyzer analyzer, string[] ruleIds)
    {
        foreach (var descriptor in analyzer.SupportedDiagnostics)
        {
            if (Array.IndexOf(ruleIds, descriptor.Id) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Holds the analyzer assembly itself; Roslyn and the framework resolve from the host (Load returns null).</summary>
    private sealed class AnalyzerLoadContext : AssemblyLoadContext
    {
        public AnalyzerLoadContext()
            : base("analyzers under test", isCollectible: false)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
