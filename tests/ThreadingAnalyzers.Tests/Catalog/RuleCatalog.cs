using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ThreadingAnalyzers.CodeFixes.Rules;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Catalog;

/// <summary>What the package ships, read by reflection: descriptors, analyzers, fixers, and the docs generated from them.</summary>
public static class RuleCatalog
{
    public static ImmutableArray<DiagnosticDescriptor> DeclaredDescriptors { get; } = typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>The descriptors the shipped analyzers support, one per ID, ordered by ID.</summary>
    public static ImmutableArray<DiagnosticDescriptor> ShippedDescriptors { get; } = AnalyzerRunner.All
        .SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id)
        .Select(g => g.First())
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableArray<Type> CodeFixTypes { get; } = typeof(THR001ThreadStartedTwiceCodeFix).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableHashSet<string> FixableIds { get; } = CodeFixTypes
        .SelectMany(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds)
        .ToImmutableHashSet(StringComparer.Ordinal);

    public static string YesNo(bool value) => value ? "Yes" : "No";

    /// <summary>The README's rule table, generated from the descriptors and fixers.</summary>
    public static string ReadmeTable()
    {
        var builder = new StringBuilder();
        builder.Append("| ID | Title | Category | Default severity | Enabled | Code fix |\n");
        builder.Append("|---|---|---|---|---|---|\n");
        foreach (var descriptor in ShippedDescriptors)
        {
            builder.Append($"| [{descriptor.Id}](docs/rules/{descriptor.Id}.md) | {descriptor.Title} | {descriptor.Category} | {descriptor.DefaultSeverity} | {YesNo(descriptor.IsEnabledByDefault)} | {YesNo(FixableIds.Contains(descriptor.Id))} |\n");
        }

        return builder.ToString();
    }

    /// <summary>The metadata table every rule page carries right under its title.</summary>
    public static string DocsMetadataTable(DiagnosticDescriptor descriptor)
        => "| Property | Value |\n"
            + "|---|---|\n"
            + $"| ID | {descriptor.Id} |\n"
            + $"| Category | {descriptor.Category} |\n"
            + $"| Default severity | {descriptor.DefaultSeverity} |\n"
            + $"| Enabled by default | {YesNo(descriptor.IsEnabledByDefault)} |\n"
            + $"| Code fix | {YesNo(FixableIds.Contains(descriptor.Id))} |\n";

    public static IEnumerable<object[]> ShippedIds() => ShippedDescriptors.Select(d => new object[] { d.Id });
}
