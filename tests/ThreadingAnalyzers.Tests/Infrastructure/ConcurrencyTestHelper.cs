using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

/// <summary>
/// Compiles snippets and finds operations by marker comments: <c>/*w*/count++</c> names the expression that
/// starts right after the comment <c>/*w*/</c>.
/// </summary>
internal sealed class ConcurrencyTestHelper
{
    public const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private ConcurrencyTestHelper(Compilation compilation)
    {
        Compilation = compilation;
        Types = WellKnownTypes.Get(compilation);
        Model = ConcurrencyModel.Get(compilation, Types);
    }

    public Compilation Compilation { get; }

    public WellKnownTypes Types { get; }

    public ConcurrencyModel Model { get; }

    public static ConcurrencyTestHelper Create(params string[] sources)
    {
        var compilation = AnalyzerRunner.Compile(sources.Select(s => Usings + s));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return new ConcurrencyTestHelper(compilation);
    }

    /// <summary>The operation of the innermost expression that starts right after <c>/*marker*/</c> (<c>/*w*/count++</c> names <c>count</c>).</summary>
    public IOperation Find(string marker) => FindCore(marker, outermost: false);

    /// <summary>The operation of the outermost expression that starts right after <c>/*marker*/</c> (<c>/*w*/count++</c> names <c>count++</c>).</summary>
    public IOperation FindOutermost(string marker) => FindCore(marker, outermost: true);

    private IOperation FindCore(string marker, bool outermost)
    {
        var comment = "/*" + marker + "*/";
        foreach (var tree in Compilation.SyntaxTrees)
        {
            var text = tree.GetText().ToString();
            var index = text.IndexOf(comment, StringComparison.Ordinal);
            if (index < 0)
            {
                continue;
            }

            var model = Compilation.GetSemanticModel(tree);
            var token = tree.GetRoot().FindToken(index + comment.Length);
            IOperation? found = null;
            for (var node = token.Parent; node is not null && (node.SpanStart == token.SpanStart || node is MemberAccessExpressionSyntax access && access.Name.SpanStart == token.SpanStart) && node is not StatementSyntax; node = node.Parent)
            {
                if (node is ExpressionSyntax && model.GetOperation(node) is { } operation)
                {
                    found = operation;
                    if (!outermost)
                    {
                        break;
                    }
                }
            }

            Assert.NotNull(found);
            return found!;
        }

        throw new InvalidOperationException("marker " + comment + " not found");
    }

    /// <summary>The region entries of the operation at <paramref name="marker"/>.</summary>
    public System.Collections.Generic.List<RegionEntry> Entries(string marker) => Model.GetEntries(Find(marker), default);

    /// <summary>The single region entry of the operation at <paramref name="marker"/>.</summary>
    public RegionEntry Entry(string marker)
    {
        var entries = Entries(marker);
        Assert.True(entries.Count == 1, $"expected one region entry at {marker}, got {entries.Count}");
        return entries[0];
    }

    /// <summary>The region started at <paramref name="marker"/> (the marker names the start call or creation).</summary>
    public ConcurrentRegion RegionStartedAt(string marker)
    {
        var start = FindOutermost(marker).Syntax;
        var region = Model.GetRegions(default).FirstOrDefault(r => r.StartSyntax.SyntaxTree == start.SyntaxTree && r.StartSyntax.SpanStart == start.SpanStart);
        Assert.NotNull(region);
        return region!;
    }
}
