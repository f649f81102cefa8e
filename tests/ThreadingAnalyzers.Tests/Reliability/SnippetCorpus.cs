using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ThreadingAnalyzers.Tests.Infrastructure;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>One piece of C# the reliability tests feed to the analyzers: one snippet, or the sample's files together.</summary>
/// <param name="Origin">Where it came from (<c>tests/…/X.cs:12</c> or <c>samples/…</c>), for failure messages.</param>
/// <param name="Sources">The documents; a snippet has one.</param>
public sealed record CorpusInput(string Origin, ImmutableArray<string> Sources)
{
    public override string ToString() => Origin;
}

/// <summary>
/// The C# the test suite already uses, harvested from its own sources: every string literal (or concatenation of
/// literals and string constants, or interpolated string whose holes are string constants or <c>[InlineData]</c>
/// arguments) that parses as C# code, with the testing markup removed; plus the sample's files. New tests add to
/// the corpus by being written, with no change here.
/// </summary>
public static partial class SnippetCorpus
{
    /// <summary>Usings put in front of a snippet whose concatenated or interpolated parts could not all be resolved.</summary>
    public const string StandardUsings =
        "using System; using System.Collections.Concurrent; using System.Collections.Generic; using System.Linq; "
        + "using System.Threading; using System.Threading.Tasks;\n";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly Lazy<ImmutableArray<CorpusInput>> LazySnippets = new(HarvestSnippets);
    private static readonly Lazy<CorpusInput> LazySample = new(LoadSample);

    /// <summary>Every distinct snippet harvested from the test sources, in a stable order.</summary>
    public static ImmutableArray<CorpusInput> Snippets => LazySnippets.Value;

    /// <summary>The sample project's files as one input (they compile only together).</summary>
    public static CorpusInput Sample => LazySample.Value;

    /// <summary>The snippets, then the sample as one multi-document input.</summary>
    public static ImmutableArray<CorpusInput> Inputs => Snippets.Add(Sample);

    /// <summary>Every single document: each snippet and each sample file on its own (what the mutation test breaks).</summary>
    public static ImmutableArray<CorpusInput> Documents
    {
        get
        {
            var builder = Snippets.ToBuilder();
            var sample = Sample;
            var files = RepositoryPaths.SourceFiles(RepositoryPaths.Sample);
            Array.Sort(files, StringComparer.Ordinal);
            for (var i = 0; i < sample.Sources.Length; i++)
            {
                builder.Add(new CorpusInput(Relative(files[i]), ImmutableArray.Create(sample.Sources[i])));
            }

            return builder.ToImmutable();
        }
    }

    [GeneratedRegex(@"\{\|[^{}|:\s]*:")]
    private static partial Regex MarkupOpen();

    /// <summary>Removes the testing library's span markup: <c>[|</c>, <c>|]</c>, <c>{|#0:</c>, <c>{|THR001:</c>, <c>|}</c>.</summary>
    public static string StripMarkup(string text)
        => MarkupOpen().Replace(text, string.Empty).Replace("[|", string.Empty, StringComparison.Ordinal)
            .Replace("|]", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="text"/> is C# code rather than a message, a path or a fragment.</summary>
    public static bool IsCode(string text)
    {
        if (text.Length < 12 || (text.IndexOf(';', StringComparison.Ordinal) < 0 && text.IndexOf('}', StringComparison.Ordinal) < 0))
        {
            return false;
        }

        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(text, ParseOptions).GetRoot();
        var hasStatement = false;
        foreach (var member in root.Members)
        {
            hasStatement |= member is GlobalStatementSyntax;
        }

        var hasDeclaration = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .Any(n => n is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax);
        if (hasDeclaration)
        {
            return true;
        }

        // Top-level programs: whole lines of statements that parse cleanly (not an InlineData fragment or a message).
        return hasStatement && text.Contains('\n', StringComparison.Ordinal) && !root.ContainsDiagnostics;
    }

    private static CorpusInput LoadSample()
    {
        var files = RepositoryPaths.SourceFiles(RepositoryPaths.Sample);
        Array.Sort(files, StringComparer.Ordinal);
        return new CorpusInput("samples/ThreadingPitfalls", files.Select(File.ReadAllText).ToImmutableArray());
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/');

    private static ImmutableArray<CorpusInput> HarvestSnippets()
    {
        var testsRoot = Path.Combine(RepositoryPaths.Root, "tests");
        var files = new List<string>();
        // The test projects' own snippets; the benchmark's corpus generator and the real-code tool hold templates, not tests.
        foreach (var project in new[] { "ThreadingAnalyzers.Tests", "ThreadingAnalyzers.PackageTests" })
        {
            files.AddRange(RepositoryPaths.SourceFiles(Path.Combine(testsRoot, project)));
        }

        files.Sort(StringComparer.Ordinal);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), ParseOptions, path: f)).ToList();

        // String constants by name, from every file: `private const string Usings = "using System; …";`.
        var constants = new Dictionary<string, ExpressionSyntax>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            foreach (var field in tree.GetRoot().DescendantNodes().OfType<FieldDeclarationSyntax>())
            {
                if (field.Modifiers.Any(SyntaxKind.ConstKeyword) || (field.Modifiers.Any(SyntaxKind.StaticKeyword) && field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword)))
                {
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Initializer is { } initializer)
                        {
                            constants.TryAdd(variable.Identifier.ValueText, initializer.Value);
                        }
                    }
                }
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var snippets = ImmutableArray.CreateBuilder<CorpusInput>();
        foreach (var tree in trees)
        {
            var origin = Relative(tree.FilePath);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (!IsStringRoot(node))
                {
                    continue;
                }

                foreach (var bindings in BindingsFor(node, constants))
                {
                    var evaluator = new Evaluator(constants, bindings);
                    var value = evaluator.Evaluate((ExpressionSyntax)node);
                    if (value is null)
                    {
                        continue;
                    }

                    var text = StripMarkup(value);
                    if (!evaluator.Complete && !text.TrimStart().StartsWith("using ", StringComparison.Ordinal))
                    {
                        text = StandardUsings + text;
                    }

                    if (IsCode(text) && seen.Add(text))
                    {
                        var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        snippets.Add(new CorpusInput($"{origin}:{line}", ImmutableArray.Create(text)));
                    }
                }
            }
        }

        return snippets.ToImmutable();
    }

    /// <summary>The outermost string expression: a literal or interpolated string not inside a concatenation.</summary>
    private static bool IsStringRoot(SyntaxNode node)
    {
        if (node is not (LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression }))
        {
            return false;
        }

        if (node is BinaryExpressionSyntax && !node.DescendantNodes().Any(n => n is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax))
        {
            return false;
        }

        var parent = node.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } && parent is not InterpolationSyntax;
    }

    /// <summary>
    /// The parameter values to evaluate a string with: one set per <c>[InlineData]</c> row of the enclosing test
    /// method when the string uses its parameters, otherwise one empty set.
    /// </summary>
    private static IEnumerable<Dictionary<string, string>> BindingsFor(SyntaxNode node, Dictionary<string, ExpressionSyntax> constants)
    {
        var empty = new Dictionary<string, string>(StringComparer.Ordinal);
        var method = node.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
        if (method is null || method.ParameterList.Parameters.Count == 0)
        {
            yield return empty;
            yield break;
        }

        var parameters = method.ParameterList.Parameters.Select(p => p.Identifier.ValueText).ToList();
        var usesParameter = node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => parameters.Contains(i.Identifier.ValueText));
        var rows = method.AttributeLists.SelectMany(l => l.Attributes).Where(a => a.Name.ToString() is "InlineData" or "InlineDataAttribute" or "Xunit.InlineData").ToList();
        if (!usesParameter || rows.Count == 0)
        {
            yield return empty;
            yield break;
        }

        foreach (var row in rows)
        {
            var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
            var arguments = row.ArgumentList?.Arguments ?? default;
            for (var i = 0; i < parameters.Count && i < arguments.Count; i++)
            {
                var evaluator = new Evaluator(constants, empty);
                var value = evaluator.Evaluate(arguments[i].Expression) ?? arguments[i].Expression switch
                {
                    LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } => string.Empty,
                    LiteralExpressionSyntax literal => literal.Token.ValueText,
                    _ => null,
                };
                if (value is not null)
                {
                    bindings[parameters[i]] = value;
                }
            }

            yield return bindings;
        }
    }

    /// <summary>Evaluates a string expression made of literals, constants, parameters bound to InlineData values, <c>+</c> and interpolation.</summary>
    private sealed class Evaluator
    {
        private readonly Dictionary<string, ExpressionSyntax> _constants;
        private readonly Dictionary<string, string> _bindings;
        private int _depth;

        public Evaluator(Dictionary<string, ExpressionSyntax> constants, Dictionary<string, string> bindings)
        {
            _constants = constants;
            _bindings = bindings;
        }

        /// <summary>False when some part could not be resolved and was left out.</summary>
        public bool Complete { get; private set; } = true;

        public string? Evaluate(ExpressionSyntax expression)
        {
            if (++_depth > 50)
            {
                return null;
            }

            try
            {
                return expression switch
                {
                    LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal => literal.Token.ValueText,
                    ParenthesizedExpressionSyntax parenthesized => Evaluate(parenthesized.Expression),
                    BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } binary => Concatenate(binary),
                    InterpolatedStringExpressionSyntax interpolated => Interpolate(interpolated),
                    IdentifierNameSyntax identifier => Lookup(identifier.Identifier.ValueText),
                    MemberAccessExpressionSyntax access => Lookup(access.Name.Identifier.ValueText),
                    _ => null,
                };
            }
            finally
            {
                _depth--;
            }
        }

        private string? Concatenate(BinaryExpressionSyntax binary)
        {
            var left = Evaluate(binary.Left);
            var right = Evaluate(binary.Right);
            if (left is null && right is null)
            {
                return null;
            }

            Complete &= left is not null && right is not null;
            return left + right;
        }

        private string Interpolate(InterpolatedStringExpressionSyntax interpolated)
        {
            var builder = new StringBuilder();
            foreach (var content in interpolated.Contents)
            {
                switch (content)
                {
                    case InterpolatedStringTextSyntax text:
                        builder.Append(text.TextToken.ValueText);
                        break;
                    case InterpolationSyntax hole:
                        var value = Evaluate(hole.Expression);
                        Complete &= value is not null;
                        builder.Append(value);
                        break;
                }
            }

            return builder.ToString();
        }

        private string? Lookup(string name)
        {
            if (_bindings.TryGetValue(name, out var bound))
            {
                return bound;
            }

            return _constants.TryGetValue(name, out var constant) ? Evaluate(constant) : null;
        }
    }
}
