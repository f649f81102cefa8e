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
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR010: replace a bool flag with a <c>ManualResetEventSlim</c> (<c>= true</c> → <c>Set()</c>, <c>= false</c> →
/// <c>Reset()</c>, the busy-wait loops → <c>Wait()</c>, other reads → <c>IsSet</c>); or, for an empty spin where no
/// event fits, mark the field <c>volatile</c> (or read it with <c>Volatile.Read</c> when it cannot be volatile).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR010BusyWaitCodeFix))]
[Shared]
public sealed class THR010BusyWaitCodeFix : CodeFixProvider
{
    public const string EventKey = "THR010.UseManualResetEventSlim";
    public const string VolatileKey = "THR010.MarkVolatile";
    public const string VolatileReadKey = "THR010.UseVolatileRead";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BusyWait);

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
            if (Flag(root, model, diagnostic, cancellationToken) is not { } flag)
            {
                continue;
            }

            if (Property(diagnostic, THR010BusyWaitAnalyzer.WaitsForTrueProperty) && EventConversion.Create(root, model, flag.Storage, cancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Replace '" + flag.Storage.Name + "' with a ManualResetEventSlim",
                        _ => Task.FromResult(document.WithSyntaxRoot(EventConversion.Apply(root, model, new[] { plan }, cancellationToken))),
                        EventKey),
                    diagnostic);
            }

            if (!Property(diagnostic, THR010BusyWaitAnalyzer.EmptySpinProperty) || Property(diagnostic, THR010BusyWaitAnalyzer.VolatileReadProperty))
            {
                continue;
            }

            if (flag.Storage is IFieldSymbol field && VolatileFields.CanMarkVolatile(field, root, model, cancellationToken) is { } declaration)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Mark '" + field.Name + "' volatile",
                        _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, VolatileFields.MarkVolatile(declaration)))),
                        VolatileKey),
                    diagnostic);
            }
            else if (VolatileReadReplacement(flag, model) is { } read)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Read '" + flag.Storage.Name + "' with Volatile.Read",
                        _ => Task.FromResult(document.WithSyntaxRoot(WithThreadingImport(root.ReplaceNode(read.Original, read.Replacement), model, read.Original.SpanStart, cancellationToken))),
                        VolatileReadKey),
                    diagnostic);
            }
        }
    }

    private static bool Property(Diagnostic diagnostic, string name)
        => diagnostic.Properties.TryGetValue(name, out var value) && value == "true";

    /// <summary>The flag check the diagnostic is about, bound again in the fixer's model.</summary>
    internal static FlagCheck? Flag(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node is ArgumentSyntax argument)
        {
            node = argument.Expression;
        }

        var check = node is InvocationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } && arguments[0].Expression is LambdaExpressionSyntax { ExpressionBody: { } body }
            ? body
            : node as ExpressionSyntax;
        if (check is null || model.GetOperation(check, cancellationToken) is not { } operation)
        {
            return null;
        }

        return FlagCheck.Parse(operation, WellKnownTypes.Get(model.Compilation));
    }

    /// <summary>The flag reference wrapped in <c>Volatile.Read(ref …)</c>, when the storage is a field or local with an overload.</summary>
    private static (SyntaxNode Original, SyntaxNode Replacement)? VolatileReadReplacement(FlagCheck flag, SemanticModel model)
    {
        if (flag.Storage is not (IFieldSymbol { IsReadOnly: false, IsConst: false, IsVolatile: false } or ILocalSymbol { IsRef: false, IsConst: false })
            || flag.Storage.GetStorageType() is not { } type || !VolatileFields.HasVolatileReadOverload(type)
            || flag.Reference.Syntax is not ExpressionSyntax reference
            || WellKnownTypes.Get(model.Compilation).Volatile is null)
        {
            return null;
        }

        return (reference, VolatileFields.VolatileRead(reference));
    }

    private static SyntaxNode WithThreadingImport(SyntaxNode root, SemanticModel model, int position, CancellationToken cancellationToken)
        => UsingDirectives.Import(root, model, position, "System.Threading", "Volatile", cancellationToken);

    /// <summary>Every fix of one equivalence key in a document, one storage at a time: the conversions of one flag touch many places.</summary>
    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey switch
        {
            EventKey => "Replace busy-waited flags with ManualResetEventSlim",
            VolatileKey => "Mark busy-waited fields volatile",
            _ => "Read busy-waited flags with Volatile.Read",
        };

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            if (await DocumentParts.GetAsync(document, cancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
            {
                return null;
            }

            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            switch (fixAllContext.CodeActionEquivalenceKey)
            {
                case EventKey:
                    var plans = new List<EventConversion.Plan>();
                    foreach (var diagnostic in diagnostics)
                    {
                        if (Property(diagnostic, THR010BusyWaitAnalyzer.WaitsForTrueProperty) && Flag(root, model, diagnostic, cancellationToken) is { } flag
                            && seen.Add(flag.Storage) && EventConversion.Create(root, model, flag.Storage, cancellationToken) is { } plan)
                        {
                            plans.Add(plan);
                        }
                    }

                    return plans.Count == 0 ? document : document.WithSyntaxRoot(EventConversion.Apply(root, model, plans, cancellationToken));
                case VolatileKey:
                    var declarations = new HashSet<FieldDeclarationSyntax>();
                    foreach (var diagnostic in diagnostics)
                    {
                        if (Property(diagnostic, THR010BusyWaitAnalyzer.EmptySpinProperty) && !Property(diagnostic, THR010BusyWaitAnalyzer.VolatileReadProperty)
                            && Flag(root, model, diagnostic, cancellationToken) is { Storage: IFieldSymbol field }
                            && VolatileFields.CanMarkVolatile(field, root, model, cancellationToken) is { } declaration)
                        {
                            declarations.Add(declaration);
                        }
                    }

                    return declarations.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(declarations, static (_, current) => VolatileFields.MarkVolatile(current)));
                default:
                    var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
                    foreach (var diagnostic in diagnostics)
                    {
                        if (Property(diagnostic, THR010BusyWaitAnalyzer.EmptySpinProperty) && !Property(diagnostic, THR010BusyWaitAnalyzer.VolatileReadProperty)
                            && Flag(root, model, diagnostic, cancellationToken) is { } flag
                            && !(flag.Storage is IFieldSymbol field && VolatileFields.CanMarkVolatile(field, root, model, cancellationToken) is not null)
                            && VolatileReadReplacement(flag, model) is { } read)
                        {
                            replacements[read.Original] = read.Replacement;
                        }
                    }

                    if (replacements.Count == 0)
                    {
                        return document;
                    }

                    int position = root.FullSpan.End;
                    foreach (var original in replacements.Keys)
                    {
                        position = System.Math.Min(position, original.SpanStart);
                    }

                    return document.WithSyntaxRoot(WithThreadingImport(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]), model, position, cancellationToken));
            }
        }
    }
}

/// <summary>
/// Turns a bool flag (a private field of a type declared in one document, or a local) into a
/// <c>ManualResetEventSlim</c>: every use must be one the conversion understands, otherwise no plan is made.
/// </summary>
internal static class EventConversion
{
    /// <summary>The edits that convert one flag.</summary>
    internal sealed class Plan
    {
        public Plan(ISymbol storage, SyntaxNode declaration, bool initiallySet)
        {
            Storage = storage;
            Declaration = declaration;
            InitiallySet = initiallySet;
        }

        public ISymbol Storage { get; }

        /// <summary>The field declaration or local declaration statement.</summary>
        public SyntaxNode Declaration { get; }

        public bool InitiallySet { get; }

        /// <summary>Busy-wait loops (and <c>SpinUntil</c> statements) replaced by <c>Wait()</c>, with the exit statement that follows, if any.</summary>
        public List<(StatementSyntax Statement, ExpressionSyntax Flag, StatementSyntax? Exit)> Waits { get; } = new();

        /// <summary>Writes replaced by <c>Set()</c> (true) or <c>Reset()</c> (false): the assignment or <c>Volatile.Write</c> call.</summary>
        public List<(ExpressionSyntax Write, ExpressionSyntax Flag, bool Set)> Writes { get; } = new();

        /// <summary>Reads replaced by <c>flag.IsSet</c>: the reference, or the <c>Volatile.Read</c> call around it.</summary>
        public List<(ExpressionSyntax Read, ExpressionSyntax Flag)> Reads { get; } = new();
    }

    public static Plan? Create(SyntaxNode root, SemanticModel model, ISymbol storage, CancellationToken cancellationToken)
    {
        var types = WellKnownTypes.Get(model.Compilation);
        if (types.ManualResetEventSlim is null || storage.GetStorageType()?.SpecialType != SpecialType.System_Boolean)
        {
            return null;
        }

        SyntaxNode scope;
        SyntaxNode declaration;
        bool initiallySet;
        switch (storage)
        {
            case IFieldSymbol { IsConst: false, IsReadOnly: false, DeclaredAccessibility: Accessibility.Private } field
                when field.ContainingType is { } type && VolatileFields.IsDeclaredOnlyIn(type, root.SyntaxTree) && field.DeclaringSyntaxReferences.Length == 1:
                if (root.FindNode(field.DeclaringSyntaxReferences[0].Span, getInnermostNodeForTie: true) is not VariableDeclaratorSyntax fieldDeclarator
                    || fieldDeclarator.FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { } fieldDeclaration
                    || !InitialValue(fieldDeclarator, out initiallySet))
                {
                    return null;
                }

                declaration = fieldDeclaration;
                scope = OutermostType(fieldDeclaration);
                break;
            case ILocalSymbol { IsRef: false, IsConst: false } local when local.DeclaringSyntaxReferences.Length == 1:
                if (root.FindNode(local.DeclaringSyntaxReferences[0].Span, getInnermostNodeForTie: true) is not VariableDeclaratorSyntax { Initializer: not null } localDeclarator
                    || localDeclarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.None } localDeclaration }
                    || !InitialValue(localDeclarator, out initiallySet)
                    || localDeclaration.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax))
                {
                    return null;
                }

                declaration = localDeclaration;
                scope = (SyntaxNode?)localDeclaration.FirstAncestorOrSelf<MemberDeclarationSyntax>(static m => m is not GlobalStatementSyntax) ?? root;
                break;
            default:
                return null;
        }

        var plan = new Plan(storage, declaration, initiallySet);
        var covered = new List<SyntaxNode>();
        foreach (var node in scope.DescendantNodes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != storage.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, storage.OriginalDefinition))
            {
                continue;
            }

            if (IsCovered(identifier, covered) || IsInNameof(identifier, model, cancellationToken))
            {
                continue;
            }

            ExpressionSyntax reference = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
            if (reference is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax) })
            {
                return null;
            }

            if (WaitingStatement(reference, storage, model, types, cancellationToken) is { } wait)
            {
                plan.Waits.Add((wait.Statement, reference, wait.Exit));
                covered.Add(wait.Statement);
                continue;
            }

            var outer = reference;
            while (outer.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                outer = parenthesized;
            }

            switch (outer.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == outer:
                    if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || !IsBoolConstant(assignment.Right, model, cancellationToken, out var set)
                        || !IsDiscardedValue(assignment, model, cancellationToken))
                    {
                        return null;
                    }

                    plan.Writes.Add((assignment, reference, set));
                    continue;
                case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } argument:
                    if (argument.Parent?.Parent is not InvocationExpressionSyntax invocation
                        || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                        || !WellKnownTypes.Is(method.ContainingType, types.Volatile))
                    {
                        return null;
                    }

                    if (method.Name == "Read")
                    {
                        plan.Reads.Add((invocation, reference));
                        continue;
                    }

                    if (method.Name == "Write" && invocation.ArgumentList.Arguments.Count == 2
                        && IsBoolConstant(invocation.ArgumentList.Arguments[1].Expression, model, cancellationToken, out var written)
                        && IsDiscardedValue(invocation, model, cancellationToken))
                    {
                        plan.Writes.Add((invocation, reference, written));
                        continue;
                    }

                    return null;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when outer.Parent is not PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression }:
                    return null;
                case VariableDeclaratorSyntax:
                    continue;
                default:
                    plan.Reads.Add((reference, reference));
                    continue;
            }
        }

        return plan.Waits.Count == 0 ? null : plan;
    }

    /// <summary>Applies the plans: one pass of edits over <paramref name="root"/>, then the using directive.</summary>
    public static SyntaxNode Apply(SyntaxNode root, SemanticModel model, IReadOnlyList<Plan> plans, CancellationToken cancellationToken)
    {
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        var position = root.FullSpan.End;
        foreach (var plan in plans)
        {
            foreach (var (statement, flag, exit) in plan.Waits)
            {
                StatementSyntax replacement = SyntaxFactory.ExpressionStatement(Call(flag, "Wait"));
                var unwrap = false;
                if (exit is not null && exit is not BreakStatementSyntax)
                {
                    replacement = SyntaxFactory.Block(replacement, exit.WithoutLeadingTrivia());
                    unwrap = statement.Parent is BlockSyntax or SwitchSectionSyntax;
                }

                replacement = replacement.WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation);
                replacements[statement] = unwrap ? replacement.WithAdditionalAnnotations(Unwrap) : replacement;
                position = System.Math.Min(position, statement.SpanStart);
            }

            foreach (var (write, flag, set) in plan.Writes)
            {
                replacements[write] = Call(flag, set ? "Set" : "Reset").WithTriviaFrom(write);
            }

            foreach (var (read, flag) in plan.Reads)
            {
                replacements[read] = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesize(flag.WithoutTrivia()), SyntaxFactory.IdentifierName("IsSet"))
                    .WithTriviaFrom(read);
            }

            switch (plan.Declaration)
            {
                case FieldDeclarationSyntax field when field.Declaration.Variables.Count == 1:
                    replacements[field] = NewField(field, field.Declaration.Variables[0], plan.InitiallySet).WithTriviaFrom(field);
                    break;
                case FieldDeclarationSyntax field:
                    // Declared beside others (bool _a, _b;): split out after the other edits.
                    replacements[field] = field.WithAdditionalAnnotations(new SyntaxAnnotation(SplitKind, plan.Storage.Name + (plan.InitiallySet ? "=true" : string.Empty)));
                    break;
                case LocalDeclarationStatementSyntax local:
                    replacements[local] = NewLocal(local, plan.InitiallySet);
                    break;
            }
        }

        var result = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        result = SplitFields(result);
        result = SpliceUnwrapped(result);
        return UsingDirectives.Import(result, model, position, "System.Threading", "ManualResetEventSlim", cancellationToken);
    }

    private const string SplitKind = "THR010.Split";

    private static readonly SyntaxAnnotation Unwrap = new("THR010.Unwrap");

    private static SyntaxNode SplitFields(SyntaxNode root)
    {
        while (true)
        {
            FieldDeclarationSyntax? field = null;
            foreach (var node in root.GetAnnotatedNodes(SplitKind))
            {
                field = node as FieldDeclarationSyntax;
                break;
            }

            if (field is null)
            {
                return root;
            }

            var annotation = field.GetAnnotations(SplitKind).GetEnumerator();
            annotation.MoveNext();
            var data = annotation.Current.Data ?? string.Empty;
            var initiallySet = data.EndsWith("=true", System.StringComparison.Ordinal);
            var name = initiallySet ? data.Substring(0, data.Length - "=true".Length) : data;
            var clean = field.WithoutAnnotations(SplitKind);
            VariableDeclaratorSyntax? declarator = null;
            foreach (var variable in clean.Declaration.Variables)
            {
                if (variable.Identifier.ValueText == name)
                {
                    declarator = variable;
                }
            }

            if (declarator is null)
            {
                root = root.ReplaceNode(field, clean);
                continue;
            }

            var remaining = clean.WithDeclaration(clean.Declaration.WithVariables(clean.Declaration.Variables.Remove(declarator)));
            var added = NewField(clean, declarator, initiallySet).WithLeadingTrivia(SyntaxFactory.ElasticMarker);
            root = root.ReplaceNode(field, new SyntaxNode[] { remaining, added });
        }
    }

    private static SyntaxNode SpliceUnwrapped(SyntaxNode root)
    {
        while (true)
        {
            BlockSyntax? block = null;
            foreach (var node in root.GetAnnotatedNodes(Unwrap))
            {
                block = node as BlockSyntax;
                break;
            }

            if (block is null)
            {
                return root;
            }

            var statements = new List<StatementSyntax>();
            for (var i = 0; i < block.Statements.Count; i++)
            {
                var statement = block.Statements[i].WithAdditionalAnnotations(Formatter.Annotation);
                statements.Add(i == 0 ? statement.WithLeadingTrivia(block.GetLeadingTrivia()) : statement);
            }

            statements[statements.Count - 1] = statements[statements.Count - 1].WithTrailingTrivia(block.GetTrailingTrivia());
            root = root.ReplaceNode(block, statements);
        }
    }

    private static FieldDeclarationSyntax NewField(FieldDeclarationSyntax original, VariableDeclaratorSyntax declarator, bool initiallySet)
    {
        var modifiers = new List<SyntaxToken>();
        foreach (var modifier in original.Modifiers)
        {
            if (!modifier.IsKind(SyntaxKind.VolatileKeyword))
            {
                modifiers.Add(modifier.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space));
            }
        }

        modifiers.Add(SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        var type = UsingDirectives.NewTypeName("System.Threading", "ManualResetEventSlim");
        return SyntaxFactory.FieldDeclaration(
                original.AttributeLists,
                SyntaxFactory.TokenList(modifiers),
                SyntaxFactory.VariableDeclaration(type.WithTrailingTrivia(SyntaxFactory.Space), SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(declarator.Identifier.WithoutTrivia()).WithInitializer(SyntaxFactory.EqualsValueClause(Creation(initiallySet))))),
                SyntaxFactory.Token(SyntaxKind.SemicolonToken))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static LocalDeclarationStatementSyntax NewLocal(LocalDeclarationStatementSyntax original, bool initiallySet)
    {
        var declarator = original.Declaration.Variables[0];
        return original
            .WithDeclaration(SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var").WithTriviaFrom(original.Declaration.Type),
                SyntaxFactory.SingletonSeparatedList(declarator.WithInitializer(declarator.Initializer!.WithValue(Creation(initiallySet).WithTriviaFrom(declarator.Initializer.Value))))))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static ObjectCreationExpressionSyntax Creation(bool initiallySet)
        => SyntaxFactory.ObjectCreationExpression(
            UsingDirectives.NewTypeName("System.Threading", "ManualResetEventSlim"),
            SyntaxFactory.ArgumentList(initiallySet
                ? SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression)))
                : default),
            null);

    private static InvocationExpressionSyntax Call(ExpressionSyntax flag, string method)
        => SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesize(flag.WithoutTrivia()), SyntaxFactory.IdentifierName(method)));

    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression)
        => expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or ThisExpressionSyntax ? expression : SyntaxFactory.ParenthesizedExpression(expression);

    /// <summary>The busy-wait loop or <c>SpinUntil</c> statement around <paramref name="reference"/> that waits for the flag to be set.</summary>
    private static (StatementSyntax Statement, StatementSyntax? Exit)? WaitingStatement(ExpressionSyntax reference, ISymbol storage, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
    {
        foreach (var ancestor in reference.Ancestors())
        {
            switch (ancestor)
            {
                case WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax:
                    if (BusyWaitShape.FromSyntax(ancestor) is { } shape && shape.Check.Span.Contains(reference.Span)
                        && BusyWaitShape.DescribeWaits(shape.WaitStatements, model, types, cancellationToken) is not null
                        && model.GetOperation(shape.Check, cancellationToken) is { } check
                        && WaitsForSet(FlagCheck.Parse(check, types), storage, !shape.ExitWhenTrue)
                        && (shape.Exit is null or BreakStatementSyntax || ancestor.Parent is BlockSyntax or SwitchSectionSyntax || IsEmbedded(ancestor)))
                    {
                        return ((StatementSyntax)ancestor, shape.Exit);
                    }

                    return null;
                case LambdaExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement } invocation } } } lambda
                    when lambda is { ExpressionBody: { } body } && body.Span.Contains(reference.Span):
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol spinUntil && WellKnownTypes.IsMethod(spinUntil, types.SpinWait, "SpinUntil")
                        && model.GetOperation(body, cancellationToken) is { } condition
                        && WaitsForSet(FlagCheck.Parse(condition, types), storage, continueWhileTrue: false))
                    {
                        return (statement, null);
                    }

                    return null;
                case StatementSyntax or MemberDeclarationSyntax:
                    if (ancestor is not ExpressionStatementSyntax and not IfStatementSyntax and not BlockSyntax)
                    {
                        return null;
                    }

                    break;
            }
        }

        return null;
    }

    private static bool IsEmbedded(SyntaxNode statement) => statement.Parent is IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax;

    /// <summary>True when the check keeps a loop going exactly while the bool flag is false.</summary>
    private static bool WaitsForSet(FlagCheck? flag, ISymbol storage, bool continueWhileTrue)
    {
        if (flag is null || !SymbolEqualityComparer.Default.Equals(flag.Storage.OriginalDefinition, storage.OriginalDefinition) || flag.Value is not bool value)
        {
            return false;
        }

        // Spins while "flag == value" (or "!="); waiting for the flag to become true means spinning while it is false.
        var spinWhileEqual = flag.Equal == continueWhileTrue;
        return spinWhileEqual ? !value : value;
    }

    private static bool InitialValue(VariableDeclaratorSyntax declarator, out bool initiallySet)
    {
        initiallySet = false;
        switch (declarator.Initializer?.Value)
        {
            case null:
                return true;
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.FalseLiteralExpression) || literal.IsKind(SyntaxKind.DefaultLiteralExpression):
                return true;
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.TrueLiteralExpression):
                initiallySet = true;
                return true;
            default:
                return false;
        }
    }

    private static bool IsBoolConstant(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken, out bool value)
    {
        var constant = model.GetConstantValue(expression, cancellationToken);
        value = constant.HasValue && constant.Value is true;
        return constant.HasValue && constant.Value is bool;
    }

    /// <summary>
    /// True when the value of <paramref name="expression"/> (an assignment or call) is not used, so it can become a
    /// void call: an expression statement, or the body of a lambda given to a void delegate (or to a method that
    /// has an overload taking one at that position, like <c>Task.Run</c>, when that call's own value is unused).
    /// </summary>
    private static bool IsDiscardedValue(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        switch (expression.Parent)
        {
            case ExpressionStatementSyntax:
                return true;
            case ArrowExpressionClauseSyntax { Parent: { } member }:
                return member switch
                {
                    LocalFunctionStatementSyntax local => model.GetDeclaredSymbol(local, cancellationToken) is IMethodSymbol { ReturnsVoid: true },
                    AccessorDeclarationSyntax accessor => accessor.IsKind(SyntaxKind.SetAccessorDeclaration) || accessor.IsKind(SyntaxKind.InitAccessorDeclaration)
                        || accessor.IsKind(SyntaxKind.AddAccessorDeclaration) || accessor.IsKind(SyntaxKind.RemoveAccessorDeclaration),
                    _ => model.GetDeclaredSymbol(member, cancellationToken) is IMethodSymbol { ReturnsVoid: true },
                };
            case LambdaExpressionSyntax lambda when lambda.ExpressionBody == expression:
                if (model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol { DelegateInvokeMethod: { ReturnsVoid: true } })
                {
                    return true;
                }

                if (lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax arguments } argument
                    || arguments.Parent is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax or AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } } invocation
                    || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
                {
                    return false;
                }

                var index = arguments.Arguments.IndexOf(argument);
                foreach (var candidate in method.ContainingType.GetMembers(method.Name))
                {
                    if (candidate is IMethodSymbol { IsStatic: var isStatic } overload && isStatic == method.IsStatic
                        && overload.Parameters.Length == method.Parameters.Length && index < overload.Parameters.Length
                        && overload.Parameters[index].Type is INamedTypeSymbol { DelegateInvokeMethod: { ReturnsVoid: true } invoke }
                        && invoke.Parameters.Length == ((IMethodSymbol?)model.GetSymbolInfo(lambda, cancellationToken).Symbol)?.Parameters.Length)
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsCovered(SyntaxNode node, List<SyntaxNode> covered)
    {
        foreach (var statement in covered)
        {
            if (statement.Span.Contains(node.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInNameof(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } invocation)
            {
                return model.GetSymbolInfo(invocation, cancellationToken).Symbol is null;
            }

            if (ancestor is StatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    private static SyntaxNode OutermostType(SyntaxNode node)
    {
        SyntaxNode result = node;
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is TypeDeclarationSyntax)
            {
                result = ancestor;
            }
        }

        return result;
    }
}
