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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR014: for a non-volatile ready flag, mark it <c>volatile</c> (or read it with <c>Volatile.Read</c> and set it with
/// <c>Volatile.Write</c>); for an object configured after it is published, build it in a local and assign the field
/// last; for an unlocked check-then-create, use <c>LazyInitializer.EnsureInitialized</c> or turn the field into a
/// <c>Lazy&lt;T&gt;</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR014DoubleCheckedLockingPublishesEarlyCodeFix))]
[Shared]
public sealed class THR014DoubleCheckedLockingPublishesEarlyCodeFix : CodeFixProvider
{
    public const string MarkVolatileKey = "THR014.MarkVolatile";
    public const string VolatileAccessKey = "THR014.UseVolatileAccess";
    public const string AssignLastKey = "THR014.AssignLast";
    public const string LazyInitializerKey = "THR014.UseLazyInitializer";
    public const string LazyKey = "THR014.UseLazy";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.DoubleCheckedLockingPublishesEarly);

    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var key in new[] { MarkVolatileKey, VolatileAccessKey, AssignLastKey, LazyInitializerKey, LazyKey })
            {
                if (Edit(root, model, diagnostic, key, cancellationToken) is not { } edit)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(edit.Title, _ => Task.FromResult(document.WithSyntaxRoot(edit.ApplyAlone(root, model, cancellationToken))), key),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// One planned fix: its title, the original nodes it rewrites (tracked, so that several plans can be applied to one
    /// root in turn), how it rewrites a root where those nodes are tracked, and the namespace it needs imported.
    /// </summary>
    private sealed class PlannedEdit
    {
        public PlannedEdit(string title, IReadOnlyList<SyntaxNode> nodes, System.Func<SyntaxNode, SyntaxNode> apply, TypeImport? import)
        {
            Title = title;
            Nodes = nodes;
            Apply = apply;
            Import = import;
        }

        public string Title { get; }

        public IReadOnlyList<SyntaxNode> Nodes { get; }

        public System.Func<SyntaxNode, SyntaxNode> Apply { get; }

        public TypeImport? Import { get; }

        /// <summary>Applies this plan alone to <paramref name="root"/>.</summary>
        public SyntaxNode ApplyAlone(SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
        {
            var result = Apply(root.TrackNodes(Nodes));
            return Import is { } import ? import.Apply(result, model, cancellationToken) : result;
        }
    }

    /// <summary>A type the new code names, to bring into scope where the original code needed it.</summary>
    private sealed class TypeImport
    {
        private readonly string _type;
        private readonly int _position;

        public TypeImport(string namespaceName, string type, int position)
        {
            Namespace = namespaceName;
            _type = type;
            _position = position;
        }

        public string Namespace { get; }

        public SyntaxNode Apply(SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
            => UsingDirectives.Import(root, model, _position, Namespace, _type, cancellationToken);
    }

    /// <summary>Replaces the tracked originals in <paramref name="current"/> by the nodes <paramref name="replacements"/> gives for them.</summary>
    private static SyntaxNode ReplaceTracked(SyntaxNode current, Dictionary<SyntaxNode, SyntaxNode> replacements)
    {
        var map = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var pair in replacements)
        {
            if (current.GetCurrentNode(pair.Key) is { } node)
            {
                map[node] = pair.Value;
            }
        }

        return current.ReplaceNodes(map.Keys, (original, _) => map[original]);
    }

    private static PlannedEdit? Edit(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, string key, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(THR014DoubleCheckedLockingPublishesEarlyAnalyzer.ShapeProperty, out var shape))
        {
            return null;
        }

        var types = WellKnownTypes.Get(model.Compilation);
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        switch (shape)
        {
            case THR014DoubleCheckedLockingPublishesEarlyAnalyzer.FlagShape when key is MarkVolatileKey or VolatileAccessKey:
            case THR014DoubleCheckedLockingPublishesEarlyAnalyzer.PublishedEarlyShape when key is AssignLastKey:
                if (node.FirstAncestorOrSelf<IfStatementSyntax>() is not { } ifStatement
                    || model.GetOperation(ifStatement, cancellationToken) is not IConditionalOperation outer
                    || DoubleCheck.Find(outer, types) is not { } found)
                {
                    return null;
                }

                return key switch
                {
                    MarkVolatileKey => MarkVolatile(root, model, found, cancellationToken),
                    VolatileAccessKey => VolatileAccess(root, model, found, cancellationToken),
                    _ => AssignLast(model, found, cancellationToken),
                };
            case THR014DoubleCheckedLockingPublishesEarlyAnalyzer.CheckThenCreateShape when key is LazyInitializerKey or LazyKey:
                if (CheckThenCreate.Find(node, model, types, cancellationToken) is not { } site)
                {
                    return null;
                }

                return key == LazyInitializerKey ? UseLazyInitializer(model, site, cancellationToken) : UseLazy(root, model, site, cancellationToken);
            default:
                return null;
        }
    }

    private static PlannedEdit? MarkVolatile(SyntaxNode root, SemanticModel model, DoubleCheck found, CancellationToken cancellationToken)
    {
        if (found.Check.Storage is not IFieldSymbol field || VolatileFields.CanMarkVolatile(field, root, model, cancellationToken) is not { } declaration)
        {
            return null;
        }

        return new PlannedEdit(
            "Mark '" + field.Name + "' volatile",
            new SyntaxNode[] { declaration },
            current => current.GetCurrentNode(declaration) is { } tracked ? current.ReplaceNode(tracked, VolatileFields.MarkVolatile(tracked)) : current,
            import: null);
    }

    private static PlannedEdit? VolatileAccess(SyntaxNode root, SemanticModel model, DoubleCheck found, CancellationToken cancellationToken)
    {
        if (found.Check.Storage is not IFieldSymbol { IsReadOnly: false, IsConst: false } field
            || VolatileFields.CanMarkVolatile(field, root, model, cancellationToken) is not null
            || !VolatileFields.HasVolatileReadOverload(field.Type))
        {
            return null;
        }

        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        if (!found.Check.VolatileRead && found.Check.Reference.Syntax is ExpressionSyntax read)
        {
            replacements[read] = VolatileFields.VolatileRead(read);
        }

        foreach (var statement in found.Body)
        {
            if (THR014DoubleCheckedLockingPublishesEarlyAnalyzer.FlagWrite(statement, field, model.Compilation, out var release) is { } write)
            {
                if (!release && write is ISimpleAssignmentOperation { Syntax: AssignmentExpressionSyntax assignment })
                {
                    replacements[assignment] = VolatileFields.VolatileWrite(assignment.Left, assignment.Right).WithTriviaFrom(assignment);
                }

                break;
            }
        }

        if (replacements.Count == 0)
        {
            return null;
        }

        return new PlannedEdit(
            "Read '" + field.Name + "' with Volatile.Read and set it with Volatile.Write",
            new List<SyntaxNode>(replacements.Keys),
            current => ReplaceTracked(current, replacements),
            new TypeImport("System.Threading", "Volatile", found.Outer.Syntax.SpanStart));
    }

    /// <summary>Builds the object in a local, and assigns the field after the statements that configure it.</summary>
    private static PlannedEdit? AssignLast(SemanticModel model, DoubleCheck found, CancellationToken cancellationToken)
    {
        var storage = found.Check.Storage;
        if (PublishedEarly.Find(found.Body, storage) is not { } early
            || early.Publish.Syntax is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: var left, Right: var value } } publish
            || publish.Parent is not BlockSyntax block)
        {
            return null;
        }

        var statements = block.Statements;
        var first = statements.IndexOf(publish);
        var last = first;
        foreach (var operation in found.Body)
        {
            if (operation.Syntax.Parent != block)
            {
                return null;
            }

            last = System.Math.Max(last, statements.IndexOf((StatementSyntax)operation.Syntax));
        }

        // The field is stored before a final jump (return/throw/break), else after the last statement.
        var insertAt = last + 1;
        if (statements[last] is ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax)
        {
            insertAt = last;
        }

        var publishedLocal = model.GetSymbolInfo(value, cancellationToken).Symbol as ILocalSymbol;
        var localName = publishedLocal?.Name ?? LocalName(storage.Name, model, publish, cancellationToken);
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        for (var i = first + 1; i <= last; i++)
        {
            foreach (var identifier in statements[i].DescendantNodes())
            {
                if (identifier is not IdentifierNameSyntax name || name.Identifier.ValueText != storage.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, storage.OriginalDefinition))
                {
                    continue;
                }

                ExpressionSyntax reference = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (reference is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax) }
                    || reference.Parent is AssignmentExpressionSyntax assignment && assignment.Left == reference
                    || reference.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }
                    || reference.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax)
                {
                    return null;
                }

                if (IsNameof(reference))
                {
                    continue;
                }

                replacements[reference] = SyntaxFactory.IdentifierName(localName).WithTriviaFrom(reference);
            }
        }

        StatementSyntax declaration;
        if (publishedLocal is not null)
        {
            declaration = null!;
        }
        else
        {
            var type = value is ObjectCreationExpressionSyntax or InvocationExpressionSyntax or CastExpressionSyntax or ArrayCreationExpressionSyntax
                ? SyntaxFactory.IdentifierName("var")
                : SyntaxFactory.ParseTypeName(storage.GetStorageType()!.ToMinimalDisplayString(model, publish.SpanStart));
            declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    type,
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(localName).WithInitializer(SyntaxFactory.EqualsValueClause(value.WithoutTrivia())))))
                .WithTriviaFrom(publish)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        var store = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                left.WithoutTrivia(),
                SyntaxFactory.IdentifierName(localName)))
            .WithAdditionalAnnotations(Formatter.Annotation);

        var referenceReplacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var reference in replacements.Keys)
        {
            referenceReplacements[reference] = SyntaxFactory.IdentifierName(localName).WithTriviaFrom(reference);
        }

        var nodes = new List<SyntaxNode>(replacements.Keys) { block };
        return new PlannedEdit(
            "Configure '" + storage.Name + "' in a local and assign it last",
            nodes,
            current =>
            {
                current = ReplaceTracked(current, referenceReplacements);
                if (current.GetCurrentNode(block) is not { } currentBlock)
                {
                    return current;
                }

                var list = new List<StatementSyntax>(currentBlock.Statements);
                list.Insert(insertAt, store);
                if (declaration is null)
                {
                    list.RemoveAt(first);
                }
                else
                {
                    list[first] = declaration;
                }

                return current.ReplaceNode(currentBlock, currentBlock.WithStatements(SyntaxFactory.List(list)));
            },
            import: null);
    }

    private static PlannedEdit? UseLazyInitializer(SemanticModel model, CheckThenCreate site, CancellationToken cancellationToken)
    {
        if (site.Storage is not (IFieldSymbol { IsReadOnly: false } or ILocalSymbol { IsRef: false, IsConst: false })
            || site.Storage.GetStorageType() is not { IsReferenceType: true }
            || WellKnownTypes.Get(model.Compilation).LazyInitializer is null
            || !CanMoveIntoLambda(site.Value, model, allowInstanceMembers: true, cancellationToken))
        {
            return null;
        }

        var call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, UsingDirectives.NewTypeName("System.Threading", "LazyInitializer"), SyntaxFactory.IdentifierName("EnsureInitialized")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), site.Target.WithoutTrivia()),
                SyntaxFactory.Argument(SyntaxFactory.ParenthesizedLambdaExpression(site.Value.WithoutTrivia())),
            })));
        SyntaxNode original = site.Statement ?? (SyntaxNode)site.Coalesce!;
        SyntaxNode replacement = site.Statement is not null
            ? SyntaxFactory.ExpressionStatement(call).WithTriviaFrom(site.Statement)
            : call.WithTriviaFrom(site.Coalesce!);
        replacement = replacement.WithAdditionalAnnotations(Formatter.Annotation);
        return new PlannedEdit(
            "Use LazyInitializer.EnsureInitialized for '" + site.Storage.Name + "'",
            new[] { original },
            current => ReplaceTracked(current, new Dictionary<SyntaxNode, SyntaxNode> { [original] = replacement }),
            new TypeImport("System.Threading", "LazyInitializer", original.SpanStart));
    }

    /// <summary>Turns a private field created only at this site into a <c>readonly Lazy&lt;T&gt;</c>, its reads into <c>.Value</c>.</summary>
    private static PlannedEdit? UseLazy(SyntaxNode root, SemanticModel model, CheckThenCreate site, CancellationToken cancellationToken)
    {
        if (site.Storage is not IFieldSymbol { IsReadOnly: false, IsConst: false, DeclaredAccessibility: Accessibility.Private } field
            || field.ContainingType is not { } type || !VolatileFields.IsDeclaredOnlyIn(type, root.SyntaxTree)
            || WellKnownTypes.Get(model.Compilation).Lazy1 is null
            || field.DeclaringSyntaxReferences.Length != 1
            || root.FindNode(field.DeclaringSyntaxReferences[0].Span, getInnermostNodeForTie: true) is not VariableDeclaratorSyntax declarator
            || declarator.Initializer is { Value: not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } }
            || declarator.Parent?.Parent is not FieldDeclarationSyntax { Declaration.Variables.Count: 1 } fieldDeclaration
            || !CanMoveIntoLambda(site.Value, model, allowInstanceMembers: false, cancellationToken))
        {
            return null;
        }

        var siteNode = site.Statement ?? (SyntaxNode)site.Coalesce!;
        var member = siteNode.FirstAncestorOrSelf<MemberDeclarationSyntax>(static m => m is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax);
        if (member is null)
        {
            return null;
        }

        // Every other use must be a read after the site, in the same member.
        var reads = new List<ExpressionSyntax>();
        foreach (var typeReference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in typeReference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != field.Name
                    || siteNode.Span.Contains(name.Span) || node == declarator
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, field.OriginalDefinition))
                {
                    continue;
                }

                ExpressionSyntax reference = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (IsNameof(reference))
                {
                    continue;
                }

                if (!member.Span.Contains(reference.Span) || reference.SpanStart < siteNode.Span.End
                    || reference.Parent is AssignmentExpressionSyntax assignment && assignment.Left == reference
                    || reference.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }
                    || reference is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or IdentifierNameSyntax) })
                {
                    return null;
                }

                reads.Add(reference);
            }
        }

        var typeSyntax = fieldDeclaration.Declaration.Type is NullableTypeSyntax nullable && field.Type.IsReferenceType ? nullable.ElementType : fieldDeclaration.Declaration.Type;
        var lazyType = UsingDirectives.NewTypeName("System", "Lazy", typeSyntax.WithoutTrivia());
        var modifiers = new List<SyntaxToken>();
        foreach (var modifier in fieldDeclaration.Modifiers)
        {
            if (!modifier.IsKind(SyntaxKind.VolatileKeyword))
            {
                modifiers.Add(modifier.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space));
            }
        }

        modifiers.Add(SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        var newField = SyntaxFactory.FieldDeclaration(
                fieldDeclaration.AttributeLists,
                SyntaxFactory.TokenList(modifiers),
                SyntaxFactory.VariableDeclaration(
                    lazyType.WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(declarator.Identifier.WithoutTrivia()).WithInitializer(
                        SyntaxFactory.EqualsValueClause(SyntaxFactory.ObjectCreationExpression(
                            lazyType,
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParenthesizedLambdaExpression(site.Value.WithoutTrivia())))),
                            null))))),
                SyntaxFactory.Token(SyntaxKind.SemicolonToken))
            .WithTriviaFrom(fieldDeclaration)
            .WithAdditionalAnnotations(Formatter.Annotation);

        var replacements = new Dictionary<SyntaxNode, SyntaxNode> { [fieldDeclaration] = newField };
        foreach (var read in reads)
        {
            replacements[read] = ValueOf(read);
        }

        var removeStatement = false;
        if (site.Coalesce is { } coalesce)
        {
            replacements[coalesce] = coalesce.Parent is ExpressionStatementSyntax
                ? SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("_"), ValueOf(site.Target)).WithTriviaFrom(coalesce)
                : ValueOf(site.Target).WithTriviaFrom(coalesce);
        }
        else if (site.Statement!.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            removeStatement = true;
        }
        else
        {
            return null;
        }

        var statement = site.Statement;
        var nodes = new List<SyntaxNode>(replacements.Keys);
        if (removeStatement)
        {
            nodes.Add(statement!);
        }

        return new PlannedEdit(
            "Make '" + field.Name + "' a Lazy<" + typeSyntax.WithoutTrivia().ToString() + ">",
            nodes,
            current =>
            {
                var result = ReplaceTracked(current, replacements);
                if (removeStatement && result.GetCurrentNode(statement!) is { } toRemove)
                {
                    var keepComments = false;
                    foreach (var trivia in toRemove.GetLeadingTrivia())
                    {
                        keepComments |= trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia);
                    }

                    // The statement that moves up to the top of the block loses the blank line that separated it.
                    if (!keepComments && toRemove.Parent is BlockSyntax parentBlock && parentBlock.Statements.IndexOf((StatementSyntax)toRemove) == 0
                        && parentBlock.Statements.Count > 1)
                    {
                        var next = parentBlock.Statements[1];
                        var trivia = next.GetLeadingTrivia();
                        var skip = 0;
                        while (skip < trivia.Count && (trivia[skip].IsKind(SyntaxKind.EndOfLineTrivia)
                            || trivia[skip].IsKind(SyntaxKind.WhitespaceTrivia) && skip + 1 < trivia.Count && trivia[skip + 1].IsKind(SyntaxKind.EndOfLineTrivia)))
                        {
                            skip++;
                        }

                        if (skip > 0)
                        {
                            var kept = new List<SyntaxTrivia>();
                            for (var i = skip; i < trivia.Count; i++)
                            {
                                kept.Add(trivia[i]);
                            }

                            result = result.ReplaceNode(next, next.WithLeadingTrivia(kept));
                            toRemove = result.GetCurrentNode(statement!)!;
                        }
                    }

                    result = result.RemoveNode(toRemove, keepComments ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia)!;
                }

                return result;
            },
            new TypeImport("System", "Lazy", siteNode.SpanStart));
    }

    private static MemberAccessExpressionSyntax ValueOf(ExpressionSyntax reference)
        => SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, reference.WithoutTrivia(), SyntaxFactory.IdentifierName("Value")).WithTriviaFrom(reference);

    /// <summary>
    /// True when <paramref name="value"/> can become the body of a lambda (no <c>await</c>, no <c>ref</c>/<c>out</c>/<c>in</c>
    /// parameters or ref locals, no <c>this</c> of a struct) and, without <paramref name="allowInstanceMembers"/>, of a
    /// field initializer (no locals, parameters, <c>this</c> or instance members).
    /// </summary>
    private static bool CanMoveIntoLambda(ExpressionSyntax value, SemanticModel model, bool allowInstanceMembers, CancellationToken cancellationToken)
    {
        foreach (var node in value.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case AwaitExpressionSyntax or StackAllocArrayCreationExpressionSyntax or RefExpressionSyntax:
                    return false;
                case ThisExpressionSyntax or BaseExpressionSyntax:
                    if (!allowInstanceMembers || model.GetEnclosingSymbol(node.SpanStart, cancellationToken)?.ContainingType?.TypeKind == TypeKind.Struct)
                    {
                        return false;
                    }

                    break;
                case IdentifierNameSyntax identifier:
                    switch (model.GetSymbolInfo(identifier, cancellationToken).Symbol)
                    {
                        case IParameterSymbol parameter:
                            if (!allowInstanceMembers || parameter.RefKind != RefKind.None || parameter.Type.IsRefLikeType)
                            {
                                return false;
                            }

                            break;
                        case ILocalSymbol local:
                            if (!allowInstanceMembers || local.IsRef || local.Type.IsRefLikeType)
                            {
                                return false;
                            }

                            break;
                        case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol when !identifier.Parent.IsKind(SyntaxKind.SimpleMemberAccessExpression) || ((MemberAccessExpressionSyntax)identifier.Parent!).Expression == identifier:
                            var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol!;
                            if (!symbol.IsStatic && symbol is not IMethodSymbol { MethodKind: MethodKind.LocalFunction }
                                && (!allowInstanceMembers || model.GetEnclosingSymbol(node.SpanStart, cancellationToken)?.ContainingType?.TypeKind == TypeKind.Struct))
                            {
                                return false;
                            }

                            if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } && !allowInstanceMembers)
                            {
                                return false;
                            }

                            break;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>A name for the local that builds the object: <c>_instance</c> → <c>instance</c>, made unique in the member.</summary>
    private static string LocalName(string fieldName, SemanticModel model, SyntaxNode at, CancellationToken cancellationToken)
    {
        var name = fieldName;
        foreach (var prefix in new[] { "s_", "m_", "t_", "_" })
        {
            if (name.StartsWith(prefix, System.StringComparison.Ordinal) && name.Length > prefix.Length)
            {
                name = name.Substring(prefix.Length);
                break;
            }
        }

        name = char.ToLowerInvariant(name[0]) + name.Substring(1);
        if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None || !SyntaxFacts.IsValidIdentifier(name))
        {
            name += "Value";
        }

        var used = new HashSet<string>();
        foreach (var symbol in model.LookupSymbols(at.SpanStart))
        {
            used.Add(symbol.Name);
        }

        if (at.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member)
        {
            DeclaredNames.AddTo(used, member, includeParameters: true);
        }

        var candidate = name;
        for (var i = 2; used.Contains(candidate) || candidate == fieldName; i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _ = cancellationToken;
        return candidate;
    }

    private static bool IsNameof(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } })
            {
                return true;
            }

            if (ancestor is StatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Every fix of one equivalence key in a document, applied one after another from the bottom up; plans that overlap an applied one are skipped.</summary>
    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey switch
        {
            MarkVolatileKey => "Mark ready flags volatile",
            VolatileAccessKey => "Use Volatile.Read and Volatile.Write for ready flags",
            AssignLastKey => "Assign lazily created objects last",
            LazyInitializerKey => "Use LazyInitializer.EnsureInitialized",
            _ => "Use Lazy<T>",
        };

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            var key = fixAllContext.CodeActionEquivalenceKey;
            if (key is null || await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
            {
                return null;
            }

            var edits = new List<PlannedEdit>();
            foreach (var diagnostic in diagnostics)
            {
                if (Edit(root, model, diagnostic, key, cancellationToken) is { } edit)
                {
                    edits.Add(edit);
                }
            }

            var tracked = new List<SyntaxNode>();
            foreach (var edit in edits)
            {
                tracked.AddRange(edit.Nodes);
            }

            var result = root.TrackNodes(tracked);
            var touched = new List<SyntaxNode>();
            var imports = new Dictionary<string, TypeImport>();
            foreach (var edit in edits)
            {
                // A plan whose nodes overlap one already applied (the same flag reported twice) is skipped.
                var overlaps = false;
                foreach (var node in edit.Nodes)
                {
                    foreach (var done in touched)
                    {
                        overlaps |= done.Span.IntersectsWith(node.Span) || done.Span.Contains(node.Span) || node.Span.Contains(done.Span);
                    }
                }

                if (overlaps)
                {
                    continue;
                }

                result = edit.Apply(result);
                touched.AddRange(edit.Nodes);
                if (edit.Import is { } import && !imports.ContainsKey(import.Namespace))
                {
                    imports.Add(import.Namespace, import);
                }
            }

            foreach (var import in imports.Values)
            {
                result = import.Apply(result, model, cancellationToken);
            }

            return document.WithSyntaxRoot(result);
        }
    }
}

/// <summary>The unlocked check-then-create the diagnostic points at: <c>if (F == null) F = value;</c> or <c>F ??= value</c>.</summary>
internal sealed class CheckThenCreate
{
    private CheckThenCreate(ISymbol storage, ExpressionSyntax target, ExpressionSyntax value, StatementSyntax? statement, AssignmentExpressionSyntax? coalesce)
    {
        Storage = storage;
        Target = target;
        Value = value;
        Statement = statement;
        Coalesce = coalesce;
    }

    public ISymbol Storage { get; }

    /// <summary>The assigned storage expression (<c>_x</c>, <c>this._x</c>).</summary>
    public ExpressionSyntax Target { get; }

    /// <summary>The creation expression.</summary>
    public ExpressionSyntax Value { get; }

    /// <summary>The whole <c>if</c> statement, for the <c>if</c> form.</summary>
    public StatementSyntax? Statement { get; }

    /// <summary>The <c>??=</c> expression, for that form.</summary>
    public AssignmentExpressionSyntax? Coalesce { get; }

    public static CheckThenCreate? Find(SyntaxNode node, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
    {
        if (node.FirstAncestorOrSelf<AssignmentExpressionSyntax>() is { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } coalesce && coalesce.Span == node.Span)
        {
            return model.GetSymbolInfo(coalesce.Left, cancellationToken).Symbol is { } symbol && IsStorage(symbol)
                ? new CheckThenCreate(symbol, coalesce.Left, coalesce.Right, null, coalesce)
                : null;
        }

        if (node.FirstAncestorOrSelf<IfStatementSyntax>() is not { Else: null } ifStatement
            || model.GetOperation(ifStatement.Condition, cancellationToken) is not { } condition
            || FlagCheck.Parse(condition, types) is not { Value: null, Equal: true } flag)
        {
            return null;
        }

        var body = ifStatement.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : ifStatement.Statement;
        if (body is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment }
            || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol?.OriginalDefinition, flag.Storage.OriginalDefinition))
        {
            return null;
        }

        return new CheckThenCreate(flag.Storage, assignment.Left, assignment.Right, ifStatement, null);
    }

    private static bool IsStorage(ISymbol symbol) => symbol is IFieldSymbol or ILocalSymbol or IPropertySymbol;
}
