using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR007: put every unprotected access of the collection under one lock, or — when every use maps one to one onto
/// the concurrent API — change <c>Queue&lt;T&gt;</c>, <c>Stack&lt;T&gt;</c> or <c>Dictionary&lt;TKey,TValue&gt;</c> to
/// its <c>System.Collections.Concurrent</c> counterpart.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR007NonThreadSafeCollectionSharedCodeFix))]
[Shared]
public sealed class THR007NonThreadSafeCollectionSharedCodeFix : CodeFixProvider
{
    public const string LockKey = "THR007.WrapInLock";
    public const string ConcurrentKey = "THR007.UseConcurrentCollection";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonThreadSafeCollectionShared);

    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (Storage(node, model, context.CancellationToken) is not { } storage)
            {
                continue;
            }

            if (ConcurrentSwap.Create(root, model, storage, context.CancellationToken) is { } swap)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use " + swap.NewTypeName + " for '" + storage.Name + "'",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(ConcurrentSwap.Apply(root, model, new[] { swap }, context.CancellationToken))),
                        ConcurrentKey),
                    diagnostic);
            }

            if (LockWrapping.Create(root, model, node, storage, lockedWith: null, context.CancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Protect '" + storage.Name + "' with lock (" + plan.LockName + ")",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(LockWrapping.Apply(root, new[] { plan }))),
                        LockKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The field, local or parameter holding the collection the diagnosed call or indexer store mutates.</summary>
    private static ISymbol? Storage(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var receiver = node switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Expression,
            AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax element } => element.Expression,
            PostfixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax element } => element.Expression,
            PrefixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax element } => element.Expression,
            _ => null,
        };
        var symbol = receiver is null ? null : model.GetSymbolInfo(receiver, cancellationToken).Symbol;
        return symbol is IFieldSymbol or ILocalSymbol or IPropertySymbol ? symbol : null;
    }

    /// <summary>A planned type change of one field or local to its concurrent counterpart.</summary>
    internal sealed class ConcurrentSwap
    {
        private const string ConcurrentNamespace = "System.Collections.Concurrent";

        private static readonly HashSet<string> QueueMembers = new() { "Enqueue", "TryDequeue", "TryPeek", "Count", "Clear", "ToArray", "GetEnumerator" };
        private static readonly HashSet<string> StackMembers = new() { "Push", "TryPop", "TryPeek", "Count", "Clear", "ToArray", "GetEnumerator" };
        private static readonly HashSet<string> DictionaryMembers = new() { "TryGetValue", "ContainsKey", "TryAdd", "Count", "Keys", "Values", "Clear", "GetEnumerator" };

        private ConcurrentSwap(string newTypeName, List<GenericNameSyntax> names)
        {
            NewTypeName = newTypeName;
            Names = names;
        }

        public string NewTypeName { get; }

        /// <summary>Every <c>Queue&lt;T&gt;</c>-style name to rename: the declared type and the creations.</summary>
        public List<GenericNameSyntax> Names { get; }

        public static ConcurrentSwap? Create(SyntaxNode root, SemanticModel model, ISymbol storage, CancellationToken cancellationToken)
        {
            var types = WellKnownTypes.Get(model.Compilation);
            var storageType = storage switch
            {
                IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field => field.Type,
                ILocalSymbol { IsRef: false } local => local.Type,
                _ => null,
            };
            var (newName, members) = storageType switch
            {
                _ when WellKnownTypes.Is(storageType, types.Queue1) && types.ConcurrentQueue1 is not null => ("ConcurrentQueue", QueueMembers),
                _ when WellKnownTypes.Is(storageType, types.Stack1) && types.ConcurrentStack1 is not null => ("ConcurrentStack", StackMembers),
                _ when WellKnownTypes.Is(storageType, types.Dictionary2) && types.ConcurrentDictionary2 is not null => ("ConcurrentDictionary", DictionaryMembers),
                _ => ((string?)null, (HashSet<string>?)null),
            };
            if (newName is null || members is null || storage.DeclaringSyntaxReferences.Length != 1
                || storage.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator
                || declarator.SyntaxTree != root.SyntaxTree
                || declarator.Parent is not VariableDeclarationSyntax declaration)
            {
                return null;
            }

            var isDictionary = newName == "ConcurrentDictionary";
            var names = new List<GenericNameSyntax>();
            if (declaration.Type is GenericNameSyntax declaredName)
            {
                names.Add(declaredName);
            }
            else if (!declaration.Type.IsVar)
            {
                return null;
            }

            if (declarator.Initializer is { } initializer && !AcceptCreation(initializer.Value, isDictionary, model, names, cancellationToken))
            {
                return null;
            }

            var scope = storage is IFieldSymbol
                ? declarator.FirstAncestorOrSelf<TypeDeclarationSyntax>()
                : (SyntaxNode?)declarator.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            if (scope is null || storage is IFieldSymbol && storage.ContainingType.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            // Check-then-act (a read and a write of the dictionary in one function) stays racy after the swap: lock instead.
            var readers = new HashSet<SyntaxNode>();
            var writers = new HashSet<SyntaxNode>();
            foreach (var node in scope.DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != storage.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, storage))
                {
                    continue;
                }

                var use = Use(identifier, members, isDictionary, model, names, cancellationToken);
                if (use == UseKind.Unsupported)
                {
                    return null;
                }

                var function = (SyntaxNode?)identifier.FirstAncestorOrSelf<AnonymousFunctionExpressionSyntax>() ?? identifier.FirstAncestorOrSelf<MemberDeclarationSyntax>();
                if (function is not null)
                {
                    if (use == UseKind.Read)
                    {
                        readers.Add(function);
                    }
                    else if (use == UseKind.Write)
                    {
                        writers.Add(function);
                    }
                }
            }

            if (isDictionary && readers.Overlaps(writers))
            {
                return null;
            }

            return new ConcurrentSwap(newName, names);
        }

        private enum UseKind
        {
            Unsupported,
            Neutral,
            Read,
            Write,
        }

        private static UseKind Use(IdentifierNameSyntax identifier, HashSet<string> members, bool isDictionary, SemanticModel model, List<GenericNameSyntax> names, CancellationToken cancellationToken)
        {
            SyntaxNode expression = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == identifier ? self : identifier;
            switch (expression.Parent)
            {
                case MemberAccessExpressionSyntax access when access.Expression == expression:
                    var member = access.Name.Identifier.ValueText;
                    if (!members.Contains(member))
                    {
                        return UseKind.Unsupported;
                    }

                    return member switch
                    {
                        "TryGetValue" or "ContainsKey" => UseKind.Read,
                        "TryAdd" => UseKind.Write,
                        _ => UseKind.Neutral,
                    };
                case ElementAccessExpressionSyntax element when isDictionary && element.Expression == expression:
                    switch (element.Parent)
                    {
                        case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment when assignment.Left == element:
                            return UseKind.Write;
                        case AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax or ArgumentSyntax { RefKindKeyword.RawKind: not 0 }:
                            return UseKind.Unsupported;
                        default:
                            return UseKind.Read;
                    }

                case ForEachStatementSyntax forEach when forEach.Expression == expression:
                    return UseKind.Neutral;
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment when assignment.Left == expression:
                    return AcceptCreation(assignment.Right, isDictionary, model, names, cancellationToken) ? UseKind.Neutral : UseKind.Unsupported;
                default:
                    return UseKind.Unsupported;
            }
        }

        /// <summary>A creation that the concurrent type accepts as is: no arguments, a source collection, a key comparer; no capacity.</summary>
        private static bool AcceptCreation(ExpressionSyntax value, bool isDictionary, SemanticModel model, List<GenericNameSyntax> names, CancellationToken cancellationToken)
        {
            var (arguments, initializer) = value switch
            {
                ObjectCreationExpressionSyntax creation => (creation.ArgumentList, creation.Initializer),
                ImplicitObjectCreationExpressionSyntax implicitCreation => (implicitCreation.ArgumentList, implicitCreation.Initializer),
                _ => (null, null),
            };
            if (value is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax))
            {
                return false;
            }

            if (value is ObjectCreationExpressionSyntax { Type: var type })
            {
                if (type is not GenericNameSyntax generic)
                {
                    return false;
                }

                names.Add(generic);
            }

            if (arguments is not null)
            {
                foreach (var argument in arguments.Arguments)
                {
                    var argumentType = model.GetTypeInfo(argument.Expression, cancellationToken).Type;
                    if (argumentType is null || argumentType.SpecialType == SpecialType.System_Int32 || arguments.Arguments.Count > 1)
                    {
                        return false;
                    }
                }
            }

            if (initializer is not null)
            {
                if (!isDictionary)
                {
                    return false;
                }

                foreach (var expression in initializer.Expressions)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax })
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        public static SyntaxNode Apply(SyntaxNode root, SemanticModel model, IReadOnlyList<ConcurrentSwap> swaps, CancellationToken cancellationToken)
        {
            var renames = new Dictionary<SyntaxNode, string>();
            foreach (var swap in swaps)
            {
                foreach (var name in swap.Names)
                {
                    renames[name] = swap.NewTypeName;
                }
            }

            var result = root.ReplaceNodes(renames.Keys, (original, rewritten) => UsingDirectives.MarkForImport(
                ((GenericNameSyntax)rewritten).WithIdentifier(SyntaxFactory.Identifier(renames[original]).WithTriviaFrom(((GenericNameSyntax)rewritten).Identifier)),
                ConcurrentNamespace));
            return UsingDirectives.Import(result, model, swaps[0].Names[0].SpanStart, ConcurrentNamespace, swaps[0].NewTypeName, cancellationToken);
        }
    }

    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey == LockKey
            ? "Protect shared collections with locks"
            : "Use concurrent collections";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
            {
                return null;
            }

            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var plans = new List<LockWrapping.Plan>();
            var swaps = new List<ConcurrentSwap>();
            foreach (var diagnostic in diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (Storage(node, model, cancellationToken) is not { } storage || !seen.Add(storage))
                {
                    continue;
                }

                if (fixAllContext.CodeActionEquivalenceKey == ConcurrentKey)
                {
                    if (ConcurrentSwap.Create(root, model, storage, cancellationToken) is { } swap)
                    {
                        swaps.Add(swap);
                    }
                }
                else if (LockWrapping.Create(root, model, node, storage, lockedWith: null, cancellationToken) is { } plan)
                {
                    plans.Add(plan);
                }
            }

            if (swaps.Count > 0)
            {
                return document.WithSyntaxRoot(ConcurrentSwap.Apply(root, model, swaps, cancellationToken));
            }

            return plans.Count == 0 ? document : document.WithSyntaxRoot(LockWrapping.Apply(root, plans));
        }
    }
}
