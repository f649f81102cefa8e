using System;
using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ThreadingAnalyzers.Tests.Catalog;

/// <summary>Every code fix is exported for C# under its own name, shared, supports Fix All, and fixes IDs that exist.</summary>
public class CodeFixProviderTests
{
    public static IEnumerable<object[]> CodeFixes() => RuleCatalog.CodeFixTypes.Select(t => new object[] { t.Name });

    [Fact]
    public void There_are_code_fixes()
        => Assert.NotEmpty(RuleCatalog.CodeFixTypes);

    [Theory]
    [MemberData(nameof(CodeFixes))]
    public void Code_fix_is_exported_shared_and_supports_fix_all(string name)
    {
        var type = RuleCatalog.CodeFixTypes.Single(t => t.Name == name);
        var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
        Assert.NotNull(export);
        Assert.Equal(type.Name, export.Name);
        Assert.Equal(new[] { LanguageNames.CSharp }, export.Languages);
        Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());

        var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
        Assert.NotNull(provider.GetFixAllProvider());
        Assert.NotEmpty(provider.FixableDiagnosticIds);
        var known = RuleCatalog.ShippedDescriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(provider.FixableDiagnosticIds, id => Assert.Contains(id, known));
        Assert.Contains(provider.FixableDiagnosticIds, id => type.Name.StartsWith(id, StringComparison.Ordinal));
    }
}
