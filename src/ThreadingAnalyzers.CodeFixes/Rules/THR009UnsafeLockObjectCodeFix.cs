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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.CodeFixes.Infrastructure;
using ThreadingAnalyzers.Infrastructure;
using ThreadingAnalyzers.Rules;

namespace ThreadingAnalyzers.CodeFixes.Rules;

/// <summary>
/// THR009: lock on a private readonly gate instead. The gate is an existing private readonly lock field of the type
/// when there is one, otherwise a new <c>private readonly object _gate = new();</c> (static when the lock object is
/// per type or the code is static; <c>System.Threading.Lock</c> on .NET 9+ with C# 13 when no <c>Monitor</c> call uses
/// it). Every lock and <c>Monitor</c> call of the type on the same object moves to the gate, so mutual exclusion
/// between them is kept. A private field that is only assigned in constructors is made <c>readonly</c> instead.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(THR009UnsafeLockObjectCodeFix))]
[Shared]
public sealed class THR009UnsafeLockObjectCodeFix : CodeFixProvider
{
    public const string UsePrivateGateKey = "THR009.UsePrivateGate";
    public const string MakeFieldReadonlyKey = "THR009.MakeFieldReadonly";

    private static readonly HashSet<string> MonitorMethods = new() { "Enter", "TryEnter", "Exit", "Wait", "Pulse", "PulseAll", "IsEntered" };

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsafeLockObject);

    /// <summary>Fixes in one type share the gate they introduce, so Fix All plans a whole document at once.</summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await DocumentParts.GetAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var title = plan.ReadonlyField is not null
                ? "Make '" + plan.ReadonlyField.Name + "' readonly"
                : plan.ExistingGate is not null
                    ? "Lock on '" + plan.ExistingGate.Name + "'"
                    : "Lock on a private readonly object";
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(document, new[] { plan }, ct), plan.EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        if (await DocumentParts.GetAsync(document, context.CancellationToken).ConfigureAwait(false) is not ({ } root, { } model))
        {
            return null;
        }

        var plans = new List<FixPlan>();
        foreach (var diagnostic in diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is { } plan
                && (context.CodeActionEquivalenceKey is null || context.CodeActionEquivalenceKey == plan.EquivalenceKey))
            {
                plans.Add(plan);
            }
        }

        return plans.Count == 0 ? null : await ApplyAsync(document, plans, context.CancellationToken).ConfigureAwait(false);
    }

    private sealed class FixPlan
    {
        /// <summary>Make this field readonly (the whole fix).</summary>
        public IFieldSymbol? ReadonlyField { get; set; }

        public FieldDeclarationSyntax? ReadonlyDeclaration { get; set; }

        /// <summary>The type that gets (or has) the gate, and the declaration part the new gate goes into.</summary>
        public INamedTypeSymbol? Type { get; set; }

        public TypeDeclarationSyntax? TypeDeclaration { get; set; }

        public bool IsStatic { get; set; }

        public bool UseLockType { get; set; }

        /// <summary>The name a new gate gets (checked free at every occurrence).</summary>
        public string? NewGateName { get; set; }

        /// <summary>The existing private readonly lock field to reuse, if any.</summary>
        public IFieldSymbol? ExistingGate { get; set; }

        /// <summary>Every expression that locks (or Monitor-calls) the unsafe object in the type.</summary>
        public List<ExpressionSyntax> Occurrences { get; } = new();

        public string EquivalenceKey => ReadonlyField is not null ? MakeFieldReadonlyKey : UsePrivateGateKey;
    }

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(THR009UnsafeLockObjectAnalyzer.KindProperty, out var kind)
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax flagged
            || model.GetOperation(flagged, cancellationToken) is not { } flaggedOperation
            || model.GetEnclosingSymbol(flagged.SpanStart, cancellationToken)?.ContainingType is not { } type
            || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return null;
        }

        // The whole type must be in this document, so that every lock on the same object can move with this one.
        TypeDeclarationSyntax? firstDeclaration = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != root.SyntaxTree || reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            firstDeclaration ??= declaration;
        }

        if (firstDeclaration is null)
        {
            return null;
        }

        var value = flaggedOperation.WalkDownConversions();
        if (kind == THR009UnsafeLockObjectAnalyzer.KindMutableField
            && value is IFieldReferenceOperation { Field: var mutableField }
            && CanBeReadonly(mutableField, type, root, model, cancellationToken) is { } fieldDeclaration)
        {
            return new FixPlan { ReadonlyField = mutableField, ReadonlyDeclaration = fieldDeclaration };
        }

        var types = WellKnownTypes.Get(model.Compilation);
        var key = kind == THR009UnsafeLockObjectAnalyzer.KindNewObject ? null : LockObjects.GetKey(value);
        var occurrences = new List<ExpressionSyntax>();
        var usedByMonitor = false;
        var inStaticCode = false;
        if (key is null)
        {
            occurrences.Add(flagged);
            usedByMonitor = flagged.Parent is ArgumentSyntax;
            inStaticCode = IsInStaticCode(model, flagged, cancellationToken);
        }
        else
        {
            foreach (var declarationReference in type.DeclaringSyntaxReferences)
            {
                foreach (var (expression, isMonitor) in LockExpressions(declarationReference.GetSyntax(cancellationToken), model, types, cancellationToken))
                {
                    if (model.GetOperation(expression, cancellationToken) is { } operation && Equals(LockObjects.GetKey(operation), key))
                    {
                        occurrences.Add(expression);
                        usedByMonitor |= isMonitor;
                        inStaticCode |= IsInStaticCode(model, expression, cancellationToken);
                    }
                }
            }
        }

        if (occurrences.Count == 0 || !occurrences.Contains(flagged))
        {
            return null;
        }

        var isStatic = inStaticCode || key switch
        {
            IFieldSymbol field => field.IsStatic,
            IPropertySymbol property => property.IsStatic,
            string => true,
            _ => key is not null && kind == THR009UnsafeLockObjectAnalyzer.KindTypeOf,
        };
        var existing = FindExistingGate(type, isStatic, usedByMonitor, value, model, types, cancellationToken);
        var gateName = existing?.Name ?? UniqueName(type, GateName(isStatic), System.Array.Empty<string>());
        foreach (var occurrence in occurrences)
        {
            // The gate's name must mean the gate wherever the lock is (no local or parameter hiding it).
            foreach (var visible in model.LookupSymbols(occurrence.SpanStart, name: gateName))
            {
                if (!SymbolEqualityComparer.Default.Equals(visible, existing))
                {
                    return null;
                }
            }
        }

        var languageVersion = (int)((CSharpParseOptions)root.SyntaxTree.Options).LanguageVersion;
        var plan = new FixPlan
        {
            Type = type,
            TypeDeclaration = firstDeclaration,
            IsStatic = isStatic,
            ExistingGate = existing,
            NewGateName = existing is null ? gateName : null,
            UseLockType = existing is null && types.Lock is not null && languageVersion >= 1300 && !usedByMonitor,
        };
        plan.Occurrences.AddRange(occurrences);
        return plan;
    }

    /// <summary>The lock expressions of a type: lock statements and the first argument of Monitor calls, nested types excluded.</summary>
    private static IEnumerable<(ExpressionSyntax Expression, bool IsMonitor)> LockExpressions(SyntaxNode declaration, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
    {
        foreach (var node in declaration.DescendantNodes(descendIntoChildren: n => n == declaration || n is not BaseTypeDeclarationSyntax))
        {
            switch (node)
            {
                case LockStatementSyntax lockStatement:
                    yield return (lockStatement.Expression, false);
                    break;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name }, ArgumentList.Arguments.Count: > 0 } invocation
                    when MonitorMethods.Contains(name)
                        && model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation
                        && WellKnownTypes.Is(operation.TargetMethod.ContainingType, types.Monitor)
                        && LockFacts.ArgumentFor(operation, 0)?.Syntax is ExpressionSyntax argument:
                    yield return (argument, true);
                    break;
            }
        }
    }

    /// <summary>A private readonly field of the type, of type object (or Lock), created with <c>new</c>, that serves as a lock already or is named like one.</summary>
    private static IFieldSymbol? FindExistingGate(INamedTypeSymbol type, bool isStatic, bool usedByMonitor, IOperation lockedValue, SemanticModel model, WellKnownTypes types, CancellationToken cancellationToken)
    {
        var flaggedField = (lockedValue as IFieldReferenceOperation)?.Field;
        var lockedNames = new HashSet<string>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is LockStatementSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: var lockedName } })
                {
                    lockedNames.Add(lockedName);
                }
            }
        }

        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsReadOnly: true, DeclaredAccessibility: Accessibility.Private, IsImplicitlyDeclared: false } field
                || field.IsStatic != isStatic
                || SymbolEqualityComparer.Default.Equals(field, flaggedField)
                || !(field.Type.SpecialType == SpecialType.System_Object || (!usedByMonitor && WellKnownTypes.Is(field.Type, types.Lock)))
                || field.DeclaringSyntaxReferences.Length != 1
                || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax
                {
                    Initializer.Value: ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } or ImplicitObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } or ObjectCreationExpressionSyntax { ArgumentList: null },
                })
            {
                continue;
            }

            var name = field.Name.ToLowerInvariant();
            if (lockedNames.Contains(field.Name) || name.Contains("lock") || name.Contains("gate") || name.Contains("sync") || name.Contains("mutex") || name.Contains("guard"))
            {
                return field;
            }
        }

        return null;
    }

    private static string GateName(bool isStatic) => isStatic ? "s_gate" : "_gate";

    /// <summary>True when the code at <paramref name="node"/> has no <c>this</c>: a static member, or a static lambda or local function.</summary>
    private static bool IsInStaticCode(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        for (var symbol = model.GetEnclosingSymbol(node.SpanStart, cancellationToken); symbol is not null; symbol = symbol.ContainingSymbol)
        {
            if (symbol.IsStatic)
            {
                return true;
            }

            if (symbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The declaration of a private field that nothing assigns outside the constructors of its type, or null.</summary>
    private static FieldDeclarationSyntax? CanBeReadonly(IFieldSymbol field, INamedTypeSymbol type, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Accessibility.Private
            || !SymbolEqualityComparer.Default.Equals(field.ContainingType, type)
            || field.DeclaringSyntaxReferences.Length != 1
            || field.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree
            || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax declaration } }
            || field.Type.IsValueType)
        {
            return null;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var identifier in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (identifier is not IdentifierNameSyntax { Identifier.ValueText: var name } || name != field.Name)
                {
                    continue;
                }

                SyntaxNode node = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                if (model.GetOperation(node, cancellationToken) is not IFieldReferenceOperation reference2
                    || !SymbolEqualityComparer.Default.Equals(reference2.Field, field)
                    || !IsWrite(reference2))
                {
                    continue;
                }

                if (model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor
                    || constructor.IsStatic != field.IsStatic
                    || !SymbolEqualityComparer.Default.Equals(constructor.ContainingType, type))
                {
                    return null;
                }
            }
        }

        return declaration;
    }

    private static bool IsWrite(IFieldReferenceOperation reference)
    {
        if (reference.Syntax.Parent is RefExpressionSyntax)
        {
            return true;
        }

        return reference.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
            IAddressOfOperation => true,
            ITupleOperation => true,
            _ => false,
        };
    }

    private static async Task<Document> ApplyAsync(Document document, IReadOnlyList<FixPlan> plans, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var generator = editor.Generator;
        var model = editor.SemanticModel;
        var languageVersion = ((CSharpParseOptions)editor.OriginalRoot.SyntaxTree.Options).LanguageVersion;
        var newGates = new Dictionary<(INamedTypeSymbol Type, bool IsStatic), string>();
        var replaced = new HashSet<SyntaxNode>();
        var madeReadonly = new HashSet<SyntaxNode>();
        int? importPosition = null;

        foreach (var plan in plans)
        {
            if (plan.ReadonlyDeclaration is { } declaration)
            {
                if (madeReadonly.Add(declaration))
                {
                    editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithIsReadOnly(true));
                }

                continue;
            }

            var type = plan.Type!;
            string gate;
            if (plan.ExistingGate is { } existing)
            {
                gate = existing.Name;
            }
            else if (!newGates.TryGetValue((type, plan.IsStatic), out gate!))
            {
                gate = newGates.ContainsValue(plan.NewGateName!) ? UniqueName(type, GateName(plan.IsStatic), newGates.Values) : plan.NewGateName!;
                newGates[(type, plan.IsStatic)] = gate;
                var lockType = WellKnownTypes.Get(model.Compilation).Lock;
                TypeSyntax typeSyntax = SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ObjectKeyword));
                if (plan.UseLockType && lockType is not null)
                {
                    var visible = model.LookupNamespacesAndTypes(plan.TypeDeclaration!.SpanStart, name: "Lock");
                    if (visible.IsEmpty)
                    {
                        importPosition ??= plan.TypeDeclaration!.SpanStart;
                        typeSyntax = UsingDirectives.NewTypeName("System.Threading", "Lock");
                    }
                    else
                    {
                        typeSyntax = visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], lockType)
                            ? SyntaxFactory.IdentifierName("Lock")
                            : SyntaxFactory.ParseTypeName("global::System.Threading.Lock");
                    }
                }

                ExpressionSyntax initializer = languageVersion >= LanguageVersion.CSharp9
                    ? SyntaxFactory.ImplicitObjectCreationExpression()
                    : SyntaxFactory.ObjectCreationExpression(typeSyntax, SyntaxFactory.ArgumentList(), null);
                var field = (FieldDeclarationSyntax)generator.FieldDeclaration(
                    gate,
                    typeSyntax,
                    Accessibility.Private,
                    DeclarationModifiers.ReadOnly.WithIsStatic(plan.IsStatic),
                    initializer);
                var typeDeclaration = plan.TypeDeclaration!;
                editor.InsertMembers(typeDeclaration, InsertionIndex(typeDeclaration), new[] { field.WithAdditionalAnnotations(Formatter.Annotation) });
            }

            foreach (var occurrence in plan.Occurrences)
            {
                if (replaced.Add(occurrence))
                {
                    editor.ReplaceNode(occurrence, SyntaxFactory.IdentifierName(gate).WithTriviaFrom(occurrence));
                }
            }
        }

        var changed = editor.GetChangedDocument();
        if (importPosition is int position && await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is { } changedRoot)
        {
            changed = changed.WithSyntaxRoot(UsingDirectives.Import(changedRoot, model, position, "System.Threading", "Lock", cancellationToken));
        }

        return changed;
    }

    /// <summary>After the type's last field, or first when it has none.</summary>
    private static int InsertionIndex(TypeDeclarationSyntax declaration)
    {
        var index = 0;
        for (var i = 0; i < declaration.Members.Count; i++)
        {
            if (declaration.Members[i] is FieldDeclarationSyntax)
            {
                index = i + 1;
            }
        }

        return index;
    }

    private static string UniqueName(INamedTypeSymbol type, string baseName, IEnumerable<string> taken)
    {
        var takenSet = new HashSet<string>(taken);
        for (var suffix = 1; ; suffix++)
        {
            var candidate = suffix == 1 ? baseName : baseName + suffix;
            if (!takenSet.Contains(candidate) && type.GetMembers(candidate).IsEmpty && !InheritedMember(type, candidate))
            {
                return candidate;
            }
        }
    }

    private static bool InheritedMember(INamedTypeSymbol type, string name)
    {
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (!baseType.GetMembers(name).IsEmpty)
            {
                return true;
            }
        }

        return false;
    }
}
