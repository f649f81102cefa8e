using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// What the <see cref="CallSummaries"/> searches could find, decided from syntax and names alone: a source method
/// that names no blocking call and no lock, and whose calls (followed by name, up to <see cref="CallSummaries.MaxDepth"/>
/// deep) name none either, cannot block or take a lock, and need not be bound to know it.
/// </summary>
/// <remarks>
/// An over-approximation: every call is followed to every source method of that name, nested functions count as part
/// of the method around them, and calls the compiler adds without syntax of their own (a collection initializer's
/// <c>Add</c>, an interpolated-string handler's <c>Append…</c>, a range's <c>Slice</c>) are followed by those names;
/// a query expression, or a name declared more than <see cref="MaxMethodsPerName"/> times, answers "may".
/// </remarks>
internal sealed class CallShapes
{
    /// <summary>A called name with more source methods than this is not followed: the answer is "may".</summary>
    private const int MaxMethodsPerName = 256;

    private static readonly List<SyntaxNode> Empty = new();

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<SyntaxNode, Shape> _shapes = new();
    private Dictionary<string, List<SyntaxNode>>? _methodsNamed;

    public CallShapes(Compilation compilation) => _compilation = compilation;

    /// <summary>False only when calling <paramref name="method"/> surely makes no blocking call within the search depth.</summary>
    public bool MayBlock(IMethodSymbol method, CancellationToken cancellationToken) => May(method, blocking: true, cancellationToken);

    /// <summary>False only when calling <paramref name="method"/> surely takes no lock within the search depth.</summary>
    public bool MayLock(IMethodSymbol method, CancellationToken cancellationToken) => May(method, blocking: false, cancellationToken);

    private bool May(IMethodSymbol method, bool blocking, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not { } start)
        {
            return false;
        }

        var visited = new HashSet<SyntaxNode> { start };
        var queue = new Queue<(SyntaxNode Declaration, int Depth)>();
        queue.Enqueue((start, 1));
        while (queue.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (declaration, depth) = queue.Dequeue();
            var shape = _shapes.GetOrAdd(declaration, static node => Shape.Of(node));
            if (shape.Unknown || (blocking ? shape.NamesBlocking : shape.NamesLock))
            {
                return true;
            }

            if (depth >= CallSummaries.MaxDepth)
            {
                continue;
            }

            foreach (var name in shape.Called)
            {
                if (MethodsNamed(name, cancellationToken) is not { } methods)
                {
                    return true;
                }

                foreach (var callee in methods)
                {
                    if (visited.Add(callee))
                    {
                        queue.Enqueue((callee, depth + 1));
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The syntax whose shape stands for <paramref name="method"/>: its declaration, or for a local function the whole
    /// member around it (it may call its sibling local functions, which no name lookup finds). Null when it has no
    /// body here, as for <see cref="ConcurrencyModel.GetMethodBody"/>.
    /// </summary>
    private SyntaxNode? Declaration(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var target = method.PartialImplementationPart ?? method;
        if (target.IsAbstract || target.IsExtern || target.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var declaration = target.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (!_compilation.ContainsSyntaxTree(declaration.SyntaxTree))
        {
            return null;
        }

        if (target.MethodKind != MethodKind.LocalFunction)
        {
            return declaration;
        }

        for (var current = declaration.Parent; current is not null; current = current.Parent)
        {
            if (current is MemberDeclarationSyntax)
            {
                return current;
            }
        }

        return declaration.SyntaxTree.GetRoot(cancellationToken);
    }

    /// <summary>The declarations of the source methods named <paramref name="name"/> that have a body here; null when there are too many to follow.</summary>
    private List<SyntaxNode>? MethodsNamed(string name, CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref _methodsNamed);
        if (index is null)
        {
            index = IndexMethods(cancellationToken);
            Interlocked.CompareExchange(ref _methodsNamed, index, null);
        }

        if (!index.TryGetValue(name, out var methods))
        {
            return Empty;
        }

        return methods.Count > MaxMethodsPerName ? null : methods;
    }

    /// <summary>Every ordinary source method with a body, by name: one walk of the source namespaces and types.</summary>
    private Dictionary<string, List<SyntaxNode>> IndexMethods(CancellationToken cancellationToken)
    {
        var index = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(_compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var member in pending.Pop().GetMembers())
            {
                switch (member)
                {
                    case INamespaceOrTypeSymbol container:
                        pending.Push(container);
                        break;
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when Declaration(method, cancellationToken) is { } declaration:
                        if (!index.TryGetValue(method.Name, out var list))
                        {
                            index[method.Name] = list = new List<SyntaxNode>();
                        }

                        list.Add(declaration);
                        break;
                }
            }
        }

        return index;
    }

    /// <summary>The names one declaration's syntax calls, and whether it names a blocking call or a lock.</summary>
    private sealed class Shape
    {
        private Shape(HashSet<string> called, bool namesBlocking, bool namesLock, bool unknown)
        {
            Called = called;
            NamesBlocking = namesBlocking;
            NamesLock = namesLock;
            Unknown = unknown;
        }

        public HashSet<string> Called { get; }

        public bool NamesBlocking { get; }

        public bool NamesLock { get; }

        /// <summary>The syntax hides calls that cannot be followed by name (a query expression).</summary>
        public bool Unknown { get; }

        public static Shape Of(SyntaxNode declaration)
        {
            var called = new HashSet<string>(StringComparer.Ordinal);
            bool namesBlocking = false, namesLock = false, unknown = false;
            foreach (var node in declaration.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case InvocationExpressionSyntax invocation when CalledName(invocation.Expression) is { } name:
                        called.Add(name);
                        namesBlocking |= MayBeBlockingName(name);
                        namesLock |= LockFacts.IsAcquireName(name);
                        break;
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" }:
                    case MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Result" }:
                        namesBlocking = true;
                        break;
                    case LockStatementSyntax:
                        namesLock = true;
                        break;
                    case InitializerExpressionSyntax initializer when initializer.IsKind(SyntaxKind.CollectionInitializerExpression):
                        called.Add("Add");
                        break;
                    case InterpolatedStringExpressionSyntax:
                        called.Add("AppendLiteral");
                        called.Add("AppendFormatted");
                        break;
                    case RangeExpressionSyntax:
                        called.Add("Slice");
                        called.Add("Substring");
                        break;
                    case QueryExpressionSyntax:
                        unknown = true;
                        break;
                }
            }

            return new Shape(called, namesBlocking, namesLock, unknown);
        }

        /// <summary>The names <see cref="BlockingCalls.Describe"/> can call blocking (WebClient's Download…/Upload… by prefix).</summary>
        private static bool MayBeBlockingName(string name)
            => BlockingCalls.IsCandidateName(name)
                || name.StartsWith("Download", StringComparison.Ordinal)
                || name.StartsWith("Upload", StringComparison.Ordinal);

        private static string? CalledName(ExpressionSyntax expression) => expression switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            ParenthesizedExpressionSyntax parenthesized => CalledName(parenthesized.Expression),
            _ => null,
        };
    }
}
