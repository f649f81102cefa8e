using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Catalog;

/// <summary>
/// Keeps the product honest as it grows: every descriptor has an analyzer, a docs page, a README row, a release entry
/// and a test class. Set THREADING_ANALYZERS_UPDATE_DOCS=1 to rewrite the README table and write missing page stubs
/// instead of failing (CI never sets it).
/// </summary>
public class RuleCatalogTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("THREADING_ANALYZERS_UPDATE_DOCS") == "1";

    [Fact]
    public void Every_declared_descriptor_is_supported_by_an_analyzer_and_the_other_way_round()
    {
        var declared = RuleCatalog.DeclaredDescriptors.Select(d => d.Id).ToList();
        var shipped = RuleCatalog.ShippedDescriptors.Select(d => d.Id).ToList();
        Assert.Equal(declared, shipped);
    }

    [Fact]
    public void Ids_are_THRnnn_and_unique()
    {
        var ids = RuleCatalog.DeclaredDescriptors.Select(d => d.Id).ToList();
        Assert.All(ids, id => Assert.Matches(@"^THR\d{3}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(RuleCatalog.ShippedIds), MemberType = typeof(RuleCatalog))]
    public void Descriptor_has_title_message_description_and_help_link(string id)
    {
        var descriptor = Descriptor(id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
        Assert.NotEqual("{0}", descriptor.MessageFormat.ToString());
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        Assert.Equal(Descriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.Contains(descriptor.Category, new[] { "Reliability", "Performance", "Usage" });
    }

    [Theory]
    [MemberData(nameof(RuleCatalog.ShippedIds), MemberType = typeof(RuleCatalog))]
    public void Docs_page_exists_with_the_title_and_the_metadata_of_the_descriptor(string id)
    {
        var descriptor = Descriptor(id);
        var path = Path.Combine(RepositoryPaths.Docs, id + ".md");
        var heading = $"# {id}: {descriptor.Title}";
        var table = RuleCatalog.DocsMetadataTable(descriptor);
        if (!File.Exists(path) && Update)
        {
            File.WriteAllText(path, heading + "\n\n" + table + "\n## Why it breaks\n\n## Flagged\n\n## Fixed\n\n## Code fix\n\n## Not flagged\n\n## Configuration\n\n## Suppression\n");
        }

        Assert.True(File.Exists(path), $"docs/rules/{id}.md is missing (the name is case-sensitive).");
        var text = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.Equal(heading, text.Split('\n')[0]);
        Assert.Contains(table, text);
        foreach (var section in new[] { "## Why it breaks", "## Flagged", "## Fixed", "## Code fix", "## Not flagged", "## Configuration", "## Suppression" })
        {
            Assert.Contains(section, text);
        }
    }

    [Fact]
    public void Readme_rule_table_matches_the_descriptors()
    {
        var readme = File.ReadAllText(RepositoryPaths.Readme).Replace("\r\n", "\n");
        const string Start = "<!-- rules -->\n";
        const string End = "<!-- /rules -->";
        var from = readme.IndexOf(Start, StringComparison.Ordinal);
        var to = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "README.md needs the markers <!-- rules --> and <!-- /rules -->.");
        var current = readme.Substring(from + Start.Length, to - from - Start.Length);
        var generated = RuleCatalog.ReadmeTable();
        if (current != generated && Update)
        {
            File.WriteAllText(RepositoryPaths.Readme, readme.Substring(0, from + Start.Length) + generated + readme.Substring(to));
            return;
        }

        Assert.Equal(generated, current);
    }

    [Theory]
    [MemberData(nameof(RuleCatalog.ShippedIds), MemberType = typeof(RuleCatalog))]
    public void Every_id_has_a_release_entry_with_its_category_and_severity(string id)
    {
        var descriptor = Descriptor(id);
        var directory = Path.Combine(RepositoryPaths.Root, "src", "ThreadingAnalyzers");
        var releases = File.ReadAllText(Path.Combine(directory, "AnalyzerReleases.Shipped.md"))
            + File.ReadAllText(Path.Combine(directory, "AnalyzerReleases.Unshipped.md"));
        Assert.Matches(new Regex($@"(?m)^{id}\s*\|\s*{descriptor.Category}\s*\|\s*{descriptor.DefaultSeverity}\s*\|"), releases);
    }

    [Theory]
    [MemberData(nameof(RuleCatalog.ShippedIds), MemberType = typeof(RuleCatalog))]
    public void Every_id_has_a_test_class(string id)
    {
        var testClasses = typeof(RuleCatalogTests).Assembly.GetTypes()
            .Where(t => t.Name.StartsWith(id, StringComparison.Ordinal) && t.Name.EndsWith("Tests", StringComparison.Ordinal))
            .ToList();
        Assert.True(testClasses.Count > 0, $"No test class named {id}…Tests.");
        Assert.Contains(testClasses, t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: true).Length > 0));
    }

    private static DiagnosticDescriptor Descriptor(string id) => RuleCatalog.ShippedDescriptors.Single(d => d.Id == id);
}
