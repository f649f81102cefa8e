using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Puts every unprotected access of one piece of storage under one lock: the storage's type's single private
/// readonly lock object (or a new <c>private readonly object</c> field, static for static storage), or for a
/// captured local a new local lock object declared just before it. Units wrapped: expression statements, return
/// statements and expression bodies of lambdas and methods; never a statement that awaits, never across a lambda
/// boundary (a lock around code that starts threads would only block them), never constructors.
/// </summary>
internal static class LockWrapping
{
    /// <summary>What one storage needs: where the lock object lives and which units to wrap.</summary>
    internal sealed class Plan
    {
        public Plan(ISymbol storage, string lockName, bool isStatic, TypeDeclarationSyntax? newFieldIn, StatementSyntax? newLocalBefore, List<SyntaxNode> units)
        {
            Storage = storage;
            LockName = lockName;
            IsStatic = isStatic;
            NewFieldIn = newFieldIn;
            NewLocalBefore = newLocalBefore;
            Units = units;
        }

        public ISymbol Storage { get; }

        public string LockName { get; set; }

        public bool IsStatic { get; }

        /// <summary>The type that gets a new lock field, or null when an existing field or a local is used.</summary>
        public TypeDeclarationSyntax? NewFieldIn { get; }

        /// <summary>The statement a new local lock object is declared before, or null.</summary>
        public StatementSyntax? NewLocalBefore { get; }

        /// <summary>Statements and expression bodies to wrap.</summary>
        public List<SyntaxNode> Units { get; }

        /// <summary>The expression-body units whose function returns a value (wrapped as <c>return …;</c>).</summary>
        public HashSet<SyntaxNode> ReturnsValue { get; } = new();
    }

    /// <summary>
    /// Plans the lock for the storage written or mutated at <paramref name="diagnosed"/>; null when the storage or the
    /// surrounding code has a shape the fix does not handle (then no fix is offered).
    /// </summary>
    public static Plan? Create(SyntaxNode root, SemanticModel model, SyntaxNode diagnosed, ISymbol storage, string? lockedWith, CancellationToken cancellationToken)
    {
        if (GetUnit(diagnosed) is null || ContainsAwait(GetUnit(diagnosed)!))
        {
            return null;
        }

        switch (storage)
        {
            case IFieldSymbol or IPropertySymbol:
                return CreateForMember(root, model, diagnosed, storage, lockedWith, cancellationToken);
            case ILocalSymbol { IsRef: false } local:
                return CreateForLocal(model, diagnosed, local, cancellationToken);
            default:
                return null;
        }
    }

    private static Plan? CreateForMember(SyntaxNode root, SemanticModel model, SyntaxNode diagnosed, ISymbol storage, string? lockedWith, CancellationToken cancellationToken)
    {
        var typeDeclaration = diagnosed.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (typeDeclaration is null || model.GetDeclaredSymbol(typeDeclaration, cancellationToken) is not { } type
            || !SymbolEqualityComparer.Default.Equals(type, storage.ContainingType.OriginalDefinition)
            || storage.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var isStatic = storage.IsStatic;
        string? lockName = null;
        if (lockedWith is not null && FindLockField(type, lockedWith) is { } named && (named.IsStatic || !isStatic))
        {
            lockName = named.Name;
        }

        if (lockName is null)
        {
            IFieldSymbol? single = null;
            var count = 0;
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsReadOnly: true, DeclaredAccessibility: Accessibility.Private, IsImplicitlyDeclared: false } field
                    && (field.IsStatic || !isStatic)
                    && (field.Type.SpecialType == SpecialType.System_Object || field.Type is { Name: "Lock", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } }))
                {
                    single = field;
                    count++;
                }
            }

            if (count == 1)
            {
                lockName = single!.Name;
            }
        }

        TypeDeclarationSyntax? newFieldIn = null;
        if (lockName is null)
        {
            if (type.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            lockName = UniqueMemberName(type, isStatic ? "s_gate" : "_gate");
            newFieldIn = typeDeclaration;
        }

        var units = new List<SyntaxNode>();
        foreach (var node in typeDeclaration.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != storage.Name)
            {
                continue;
            }

            if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, storage.OriginalDefinition))
            {
                continue;
            }

            if (!storage.IsStatic && !IsThisAccess(identifier))
            {
                continue;
            }

            if (IsInConstructorOrInitializer(identifier) || !IsWrappable(identifier, model, cancellationToken, out var unit))
            {
                continue;
            }

            if (!storage.IsStatic && IsInStaticContext(unit!))
            {
                continue;
            }

            if (!units.Contains(unit!))
            {
                units.Add(unit!);
            }
        }

        RemoveNested(units);
        if (!Covers(units, diagnosed))
        {
            return null;
        }

        return WithReturns(new Plan(storage, lockName, isStatic, newFieldIn, newLocalBefore: null, units), model, cancellationToken);
    }

    private static Plan? CreateForLocal(SemanticModel model, SyntaxNode diagnosed, ILocalSymbol local, CancellationToken cancellationToken)
    {
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax declaration } }
            || !StatementEditing.CanInsertBefore(declaration)
            || declaration.UsingKeyword != default)
        {
            return null;
        }

        var scope = declaration.Parent;
        if (scope is null)
        {
            return null;
        }

        var lockName = local.Name + "Lock";
        for (var i = 2; model.LookupSymbols(declaration.SpanStart, name: lockName).Length > 0 || UsesName(scope, lockName); i++)
        {
            lockName = local.Name + "Lock" + i;
        }

        var units = new List<SyntaxNode>();
        foreach (var node in scope.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != local.Name || identifier.SpanStart < declaration.Span.End
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local)
                || !IsWrappable(identifier, model, cancellationToken, out var unit))
            {
                continue;
            }

            if (!units.Contains(unit!))
            {
                units.Add(unit!);
            }
        }

        RemoveNested(units);
        if (!Covers(units, diagnosed))
        {
            return null;
        }

        return WithReturns(new Plan(local, lockName, isStatic: false, newFieldIn: null, newLocalBefore: declaration, units), model, cancellationToken);
    }

    /// <summary>Applies several plans to one document: one new lock field per type and staticness, shared by the plans that need one.</summary>
    public static SyntaxNode Apply(SyntaxNode root, IReadOnlyList<Plan> plans)
    {
        var created = new Dictionary<(TypeDeclarationSyntax, bool), string>();
        foreach (var plan in plans)
        {
            if (plan.NewFieldIn is { } type)
            {
                if (created.TryGetValue((type, plan.IsStatic), out var existing))
                {
                    plan.LockName = existing;
                }
                else
                {
                    created[(type, plan.IsStatic)] = plan.LockName;
                }
            }
        }

        var replacements = new Dictionary<SyntaxNode, (string Lock, bool ReturnsValue)>();
        var anchors = new List<SyntaxNode>();
        foreach (var plan in plans)
        {
            foreach (var unit in plan.Units)
            {
                var replaced = ReplacedNode(unit);
                if (!replacements.ContainsKey(replaced))
                {
                    replacements[replaced] = (plan.LockName, plan.ReturnsValue.Contains(unit));
                }
            }

            if (plan.NewLocalBefore is { } before)
            {
                anchors.Add(before);
            }

            if (plan.NewFieldIn is { } type)
            {
                anchors.Add(type);
            }
        }

        var endOfLine = EndOfLine(root);
        var tracked = root.TrackNodes(anchors.Concat(replacements.Keys));
        var targets = new List<SyntaxNode>();
        foreach (var key in replacements.Keys)
        {
            if (tracked.GetCurrentNode(key) is { } node)
            {
                targets.Add(node);
            }
        }

        var current = tracked.ReplaceNodes(
            targets,
            (original, rewritten) =>
            {
                foreach (var pair in replacements)
                {
                    if (pair.Key.Span == original.Span && pair.Key.RawKind == original.RawKind)
                    {
                        return Rewrite(rewritten, pair.Value.Lock, pair.Value.ReturnsValue, endOfLine, LineIndentation(original));
                    }
                }

                return rewritten;
            });

        var locals = new HashSet<string>();
        foreach (var plan in plans)
        {
            if (plan.NewLocalBefore is { } before && locals.Add(plan.LockName) && current.GetCurrentNode(before) is { } statement)
            {
                var declaration = SyntaxFactory.ParseStatement("var " + plan.LockName + " = new object();");
                current = StatementEditing.InsertBefore(current, statement, new[] { declaration });
            }
        }

        foreach (var pair in created)
        {
            if (current.GetCurrentNode(pair.Key.Item1) is not { } type)
            {
                continue;
            }

            var field = SyntaxFactory.ParseMemberDeclaration(
                    "private " + (pair.Key.Item2 ? "static " : string.Empty) + "readonly object " + pair.Value + " = new object();")!
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation);
            current = current.ReplaceNode(type, type.WithMembers(type.Members.Insert(0, field)));
        }

        return current;
    }

    private static Plan WithReturns(Plan plan, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var unit in plan.Units)
        {
            if (unit is not StatementSyntax && ReturnsValue(unit, model, cancellationToken))
            {
                plan.ReturnsValue.Add(unit);
            }
        }

        return plan;
    }

    /// <summary>The unit of code a lock would wrap around <paramref name="node"/>; null when there is none.</summary>
    public static SyntaxNode? GetUnit(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ExpressionStatementSyntax or ReturnStatementSyntax:
                    return current;
                case StatementSyntax:
                    return null;
                case ExpressionSyntax condition when current.Parent is IfStatementSyntax ifStatement && ifStatement.Condition == condition && IsSimpleBranch(ifStatement):
                    // A check and the act it guards go under the lock together.
                    return ifStatement;
                case AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody is { } body && body.Span.Contains(node.Span):
                    return body;
                case ArrowExpressionClauseSyntax arrow when arrow.Parent is MethodDeclarationSyntax or LocalFunctionStatementSyntax:
                    return arrow;
                case AnonymousFunctionExpressionSyntax or MemberDeclarationSyntax or LocalFunctionStatementSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>An <c>if</c> without loops, awaits, lambdas or nested functions: safe to hold a lock across.</summary>
    private static bool IsSimpleBranch(IfStatementSyntax ifStatement)
    {
        foreach (var node in ifStatement.DescendantNodes())
        {
            if (node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax
                or AwaitExpressionSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or YieldStatementSyntax or LockStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Drops units that lie inside another unit of the list (the outer lock covers them).</summary>
    private static void RemoveNested(List<SyntaxNode> units)
    {
        units.RemoveAll(inner => units.Exists(outer => outer != inner && outer.Span.Contains(inner.Span)));
    }

    /// <summary>True when the unit around <paramref name="diagnosed"/> is, or lies inside, one of <paramref name="units"/>.</summary>
    private static bool Covers(List<SyntaxNode> units, SyntaxNode diagnosed)
    {
        var unit = GetUnit(diagnosed);
        return unit is not null && units.Exists(u => u.Span.Contains(unit.Span));
    }

    private static bool IsWrappable(IdentifierNameSyntax identifier, SemanticModel model, CancellationToken cancellationToken, out SyntaxNode? unit)
    {
        unit = GetUnit(identifier);
        if (unit is null || ContainsAwait(unit) || IsInsideLock(identifier) || IsAtomicArgument(identifier, model, cancellationToken))
        {
            return false;
        }

        return true;
    }

    private static bool ContainsAwait(SyntaxNode unit)
    {
        foreach (var node in unit.DescendantNodesAndSelf(n => n == unit || n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
        {
            if (node is AwaitExpressionSyntax || node is YieldStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInsideLock(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case LockStatementSyntax:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static bool IsAtomicArgument(IdentifierNameSyntax identifier, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
        return expression.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
            && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ContainingType.Name: "Interlocked" or "Volatile" };
    }

    private static bool IsThisAccess(IdentifierNameSyntax identifier)
        => identifier.Parent is not MemberAccessExpressionSyntax access || access.Name != identifier || access.Expression is ThisExpressionSyntax;

    private static bool IsInConstructorOrInitializer(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case ConstructorDeclarationSyntax or FieldDeclarationSyntax:
                    return true;
                case PropertyDeclarationSyntax property when property.Initializer is { } initializer && initializer.Span.Contains(node.Span):
                    return true;
                case BaseTypeDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static bool IsInStaticContext(SyntaxNode unit)
    {
        foreach (var ancestor in unit.Ancestors())
        {
            switch (ancestor)
            {
                case MemberDeclarationSyntax member:
                    return member.Modifiers.Any(SyntaxKind.StaticKeyword);
                case AnonymousFunctionExpressionSyntax lambda when lambda.Modifiers.Any(SyntaxKind.StaticKeyword):
                    return true;
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.StaticKeyword):
                    return true;
            }
        }

        return false;
    }

    private static IFieldSymbol? FindLockField(INamedTypeSymbol type, string name)
    {
        foreach (var member in type.GetMembers(name))
        {
            if (member is IFieldSymbol field)
            {
                return field;
            }
        }

        return null;
    }

    private static string UniqueMemberName(INamedTypeSymbol type, string baseName)
    {
        var name = baseName;
        for (var i = 2; type.GetMembers(name).Length > 0 || type.MemberNames.Contains(name); i++)
        {
            name = baseName + i;
        }

        return name;
    }

    private static bool UsesName(SyntaxNode scope, string name)
    {
        foreach (var token in scope.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }

    private static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.CarriageReturnLineFeed;
    }

    private static string LineIndentation(SyntaxNode node)
    {
        var text = node.SyntaxTree.GetText();
        var line = text.Lines.GetLineFromPosition(node.SpanStart);
        var start = line.Start;
        var end = start;
        while (end < line.End && (text[end] == ' ' || text[end] == '\t'))
        {
            end++;
        }

        return text.ToString(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, end));
    }

    private static SyntaxNode Rewrite(SyntaxNode rewritten, string lockName, bool returnsValue, SyntaxTrivia endOfLine, string indentation)
    {
        switch (rewritten)
        {
            case LocalFunctionStatementSyntax { ExpressionBody: { } localArrow } function:
                return function.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithParameterList(function.ParameterList.WithTrailingTrivia())
                    .WithBody(LockBlock(lockName, localArrow.Expression, returnsValue, endOfLine, indentation).WithTrailingTrivia(function.SemicolonToken.TrailingTrivia));
            case StatementSyntax statement:
                return SyntaxFactory.LockStatement(SyntaxFactory.IdentifierName(lockName), SyntaxFactory.Block(statement.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticMarker)))
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
            case LambdaExpressionSyntax { ExpressionBody: { } body } lambda:
                return lambda.WithExpressionBody(null).WithBlock(LockBlock(lockName, body, returnsValue, endOfLine, indentation))
                    .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia());
            case MethodDeclarationSyntax { ExpressionBody: { } arrow } method:
                return method.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithParameterList(method.ParameterList.WithTrailingTrivia())
                    .WithBody(LockBlock(lockName, arrow.Expression, returnsValue, endOfLine, indentation).WithTrailingTrivia(method.SemicolonToken.TrailingTrivia));
            default:
                return rewritten;
        }
    }

    /// <summary><c>{ lock (l) { expr; } }</c> laid out on lines indented from <paramref name="indentation"/>, the line of the lambda or member.</summary>
    private static BlockSyntax LockBlock(string lockName, ExpressionSyntax expression, bool returnsValue, SyntaxTrivia endOfLine, string indentation)
    {
        var eol = endOfLine.ToFullString();
        const string Unit = "    ";
        var statement = (returnsValue ? "return " : string.Empty) + expression.WithoutTrivia().ToFullString() + ";";
        var text = "{" + eol
            + indentation + Unit + "lock (" + lockName + ")" + eol
            + indentation + Unit + "{" + eol
            + indentation + Unit + Unit + statement + eol
            + indentation + Unit + "}" + eol
            + indentation + "}";
        var block = (BlockSyntax)SyntaxFactory.ParseStatement(text);
        return block.WithLeadingTrivia(endOfLine, SyntaxFactory.Whitespace(indentation));
    }

    /// <summary>The node a unit is replaced through: the statement itself, or the lambda/method that owns an expression body.</summary>
    private static SyntaxNode ReplacedNode(SyntaxNode unit) => unit switch
    {
        StatementSyntax => unit,
        ArrowExpressionClauseSyntax arrow => arrow.Parent!,
        _ => unit.Parent!,
    };

    /// <summary>True when the expression body unit must become <c>return …;</c> rather than <c>…;</c>.</summary>
    private static bool ReturnsValue(SyntaxNode unit, SemanticModel model, CancellationToken cancellationToken)
    {
        var owner = ReplacedNode(unit);
        var method = owner switch
        {
            AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol,
            StatementSyntax => null,
            _ => model.GetDeclaredSymbol(owner, cancellationToken) as IMethodSymbol,
        };
        return method is { ReturnsVoid: false };
    }
}
