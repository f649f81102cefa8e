using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>The ways a document is broken.</summary>
public enum MutationKind
{
    /// <summary>Everything after a token removed: what the IDE analyses while the user types.</summary>
    Prefix,

    /// <summary>One token deleted.</summary>
    DeleteToken,

    /// <summary>A stray <c>{</c>, <c>}</c>, <c>(</c> or <c>)</c> inserted after a token.</summary>
    InsertBrace,

    /// <summary>An identifier renamed to something that resolves to nothing (unresolved type, member, local).</summary>
    Unresolve,
}

/// <summary>One broken variant of a document: <see cref="Kind"/> applied at token <see cref="Token"/>.</summary>
public readonly record struct Mutation(int Document, MutationKind Kind, int Token);

/// <summary>
/// A document prepared for mutation: its tokens and where a unique namespace goes so that many variants can share
/// one compilation without their types colliding.
/// </summary>
public sealed class MutableDocument
{
    private static readonly string[] Braces = { " { ", " } ", " ( ", " ) " };

    private readonly ImmutableArray<SyntaxToken> _tokens;

    /// <summary>Offsets of <c>namespace Vn;</c> (kind 0) or of a top-level namespace name to prefix with <c>Vn.</c> (kind 1).</summary>
    private readonly ImmutableArray<(int Offset, bool Prefix)> _namespaceSlots;

    public MutableDocument(CorpusInput input, int index, string text)
    {
        Input = input;
        Index = index;
        Text = text;
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(text, SnippetCorpus.ParseOptions).GetRoot();
        _tokens = root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken) && t.Span.Length > 0).ToImmutableArray();

        // Top-level statements, global usings and assembly attributes affect the whole compilation: such a document
        // gets a compilation of its own.
        Solo = root.Members.Any(m => m is GlobalStatementSyntax)
            || root.Usings.Any(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
            || root.AttributeLists.Count > 0;

        var slots = ImmutableArray.CreateBuilder<(int, bool)>();
        if (root.Members.Count == 0)
        {
            slots.Add((text.Length, false));
        }
        else if (root.Members.Any(m => m is BaseNamespaceDeclarationSyntax))
        {
            foreach (var member in root.Members)
            {
                if (member is BaseNamespaceDeclarationSyntax ns)
                {
                    slots.Add((ns.Name.SpanStart, true));
                }
            }
        }
        else
        {
            slots.Add((root.Members[0].FullSpan.Start, false));
        }

        _namespaceSlots = slots.ToImmutable();
    }

    public CorpusInput Input { get; }

    public int Index { get; }

    public string Text { get; }

    public bool Solo { get; }

    public int TokenCount => _tokens.Length;

    /// <summary>Every mutation of this document (the full set).</summary>
    public IEnumerable<Mutation> AllMutations()
    {
        for (var i = 0; i < _tokens.Length; i++)
        {
            yield return new Mutation(Index, MutationKind.Prefix, i);
            yield return new Mutation(Index, MutationKind.DeleteToken, i);
            yield return new Mutation(Index, MutationKind.InsertBrace, i);
            if (_tokens[i].IsKind(SyntaxKind.IdentifierToken))
            {
                yield return new Mutation(Index, MutationKind.Unresolve, i);
            }
        }
    }

    /// <summary>The variant's text; with <paramref name="uniqueNamespace"/>, its declarations moved into that namespace.</summary>
    public string Apply(Mutation mutation, string? uniqueNamespace)
    {
        var token = _tokens[mutation.Token];
        var (start, end, replacement) = mutation.Kind switch
        {
            MutationKind.Prefix => (token.Span.End, Text.Length, string.Empty),
            MutationKind.DeleteToken => (token.Span.Start, token.Span.End, " "),
            MutationKind.InsertBrace => (token.Span.End, token.Span.End, Braces[mutation.Token % Braces.Length]),
            MutationKind.Unresolve => (token.Span.Start, token.Span.End, token.ValueText + "Zq"),
            _ => throw new ArgumentOutOfRangeException(nameof(mutation)),
        };
        return Edit(start, end, replacement, uniqueNamespace);
    }

    /// <summary>The document unbroken, moved into <paramref name="uniqueNamespace"/> when given.</summary>
    public string Unbroken(string? uniqueNamespace) => Edit(0, 0, string.Empty, uniqueNamespace);

    private string Edit(int start, int end, string replacement, string? uniqueNamespace)
    {

        // Namespace slots inside the edited span move in front of the edit; the rest keep their place.
        var pieces = new List<(int Position, int Order, string Text)>();
        foreach (var (offset, prefix) in uniqueNamespace is null ? ImmutableArray<(int, bool)>.Empty : _namespaceSlots)
        {
            var inserted = prefix ? uniqueNamespace + "." : "namespace " + uniqueNamespace + ";\n";
            pieces.Add((offset >= start && offset < end ? start : offset, 0, inserted));
        }

        pieces.Add((start, 1, replacement));
        pieces.Sort((x, y) => x.Position != y.Position ? x.Position.CompareTo(y.Position) : x.Order.CompareTo(y.Order));

        var builder = new StringBuilder(Text.Length + 32);
        var position = 0;
        foreach (var (at, order, text) in pieces)
        {
            if (at > position)
            {
                builder.Append(Text, position, at - position);
                position = at;
            }

            builder.Append(text);
            if (order == 1)
            {
                position = end;
            }
        }

        builder.Append(Text, position, Text.Length - position);
        return builder.ToString();
    }

    public string Describe(Mutation mutation)
    {
        var token = _tokens[mutation.Token];
        var line = token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        return $"{Input.Origin} (document {Index}): {mutation.Kind} at token #{mutation.Token} '{token.Text}' (snippet line {line})";
    }
}
