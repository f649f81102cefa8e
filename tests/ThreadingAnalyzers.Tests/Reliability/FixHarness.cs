using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ThreadingAnalyzers.Tests.Catalog;
using ThreadingAnalyzers.Tests.Infrastructure;
using ThreadingAnalyzers.Tests.Verifiers;

namespace ThreadingAnalyzers.Tests.Reliability;

/// <summary>What applying the code fixes to one input did.</summary>
public sealed class FixReport
{
    public int DiagnosticsWithFixes { get; set; }

    public int SingleFixes { get; set; }

    public int FixAllFixes { get; set; }

    public List<string> Failures { get; } = new();

    /// <summary>Fixed outcomes already checked (rule, expected drop, texts).</summary>
    public HashSet<string> Checked { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Applies every code fix the package ships, through the Workspaces API as an IDE or <c>dotnet format</c> does, to
/// every diagnostic it offers an action for, alone and through its Fix All provider in document scope, and checks
/// the result: no new compiler error, the fixed diagnostic gone, no analyzer exception.
/// </summary>
public static class FixHarness
{
    private static readonly Lazy<ImmutableArray<CodeFixProvider>> LazyFixers = new(() =>
        RuleCatalog.CodeFixTypes.Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToImmutableArray());

    public static ImmutableArray<CodeFixProvider> Fixers => LazyFixers.Value;

    public static ImmutableHashSet<string> FixableIds { get; } = Fixers.SelectMany(f => f.FixableDiagnosticIds).ToImmutableHashSet(StringComparer.Ordinal);

    /// <summary>A project holding <paramref name="sources"/>, compiled like every test compilation.</summary>
    public static Project CreateProject(IReadOnlyList<string> sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "Corpus",
            "Corpus",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(TestCompilation.QuietWarnings),
            parseOptions: SnippetCorpus.ParseOptions,
            metadataReferences: TestReferences.MetadataReferences));
        for (var i = 0; i < sources.Count; i++)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Source{i}.cs", SourceText.From(sources[i]), filePath: $"/corpus/Source{i}.cs");
        }

        return solution.GetProject(projectId)!;
    }

    public static async Task<FixReport> CheckAsync(CorpusInput input, CancellationToken cancellationToken = default)
    {
        var report = new FixReport();
        var project = CreateProject(input.Sources);
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var (outcome, errorsBefore) = await AnalyzeAsync(compilation, AnalyzerRunner.All, cancellationToken).ConfigureAwait(false);
        if (outcome.Exceptions.Count > 0)
        {
            report.Failures.Add($"{input}: analyzer exception\n{outcome.Exceptions[0]}");
            return report;
        }

        // (document, fixer, equivalence key) → the diagnostics that key fixes, for Fix All.
        var groups = new Dictionary<(DocumentId, CodeFixProvider, string), List<Diagnostic>>();
        foreach (var diagnostic in outcome.Diagnostics)
        {
            if (!FixableIds.Contains(diagnostic.Id) || project.GetDocument(diagnostic.Location.SourceTree) is not { } document)
            {
                continue;
            }

            var offered = false;
            foreach (var fixer in Fixers)
            {
                if (!fixer.FixableDiagnosticIds.Contains(diagnostic.Id))
                {
                    continue;
                }

                foreach (var action in await RegisterAsync(fixer, document, diagnostic, cancellationToken).ConfigureAwait(false))
                {
                    offered = true;
                    var where = $"{input} {diagnostic.Id} at {Where(diagnostic)}, {fixer.GetType().Name} '{action.Title}' ({action.EquivalenceKey ?? "no equivalence key"})";
                    report.SingleFixes++;
                    await CheckFixAsync(report, where, project, document, action, diagnostic.Id, outcome.Diagnostics, 1, errorsBefore, cancellationToken).ConfigureAwait(false);
                    if (action.EquivalenceKey is null)
                    {
                        report.Failures.Add(where + ": the action has no equivalence key, so Fix All cannot apply it");
                        continue;
                    }

                    var key = (document.Id, fixer, action.EquivalenceKey);
                    if (!groups.TryGetValue(key, out var list))
                    {
                        groups[key] = list = new List<Diagnostic>();
                    }

                    if (!list.Contains(diagnostic))
                    {
                        list.Add(diagnostic);
                    }
                }
            }

            if (offered)
            {
                report.DiagnosticsWithFixes++;
            }
        }

        foreach (var ((documentId, fixer, equivalenceKey), diagnostics) in groups)
        {
            var document = project.GetDocument(documentId)!;
            var where = $"{input} Fix All in document of {fixer.GetType().Name} ({equivalenceKey}) over {diagnostics.Count} diagnostic(s) at {string.Join(", ", diagnostics.Select(Where))}";
            var provider = fixer.GetFixAllProvider();
            if (provider is null || !provider.GetSupportedFixAllScopes().Contains(FixAllScope.Document))
            {
                report.Failures.Add(where + ": no Fix All provider for the document scope");
                continue;
            }

            var context = new FixAllContext(
                document,
                fixer,
                FixAllScope.Document,
                equivalenceKey,
                diagnostics.Select(d => d.Id).Distinct(),
                new FixedDiagnostics(outcome.Diagnostics, project),
                cancellationToken);
            CodeAction? fixAll;
            try
            {
                fixAll = await provider.GetFixAsync(context).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                report.Failures.Add(where + ": the Fix All provider threw\n" + exception);
                continue;
            }

            if (fixAll is null)
            {
                report.Failures.Add(where + ": the Fix All provider produced no action");
                continue;
            }

            report.FixAllFixes++;
            foreach (var id in diagnostics.Select(d => d.Id).Distinct())
            {
                await CheckFixAsync(report, where, project, document, fixAll, id, outcome.Diagnostics, diagnostics.Count(d => d.Id == id), errorsBefore, cancellationToken).ConfigureAwait(false);
            }
        }

        return report;
    }

    private static async Task CheckFixAsync(
        FixReport report,
        string where,
        Project project,
        Document document,
        CodeAction action,
        string id,
        ImmutableArray<Diagnostic> before,
        int expectedDrop,
        HashSet<string> errorsBefore,
        CancellationToken cancellationToken)
    {
        Solution changed;
        try
        {
            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault();
            if (apply is null)
            {
                report.Failures.Add(where + ": the action has no single ApplyChangesOperation");
                return;
            }

            changed = apply.ChangedSolution;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            report.Failures.Add(where + ": applying the action threw\n" + exception);
            return;
        }

        var changedProject = changed.GetProject(project.Id)!;
        var fixedText = (await changedProject.GetDocument(document.Id)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
        var originalText = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
        if (fixedText == originalText)
        {
            report.Failures.Add(where + ": the action changes nothing in the document");
            return;
        }

        // What the user ends up with is the text: compile it re-parsed, as the editor and dotnet format do.
        var texts = new List<string>();
        foreach (var original in project.Documents)
        {
            texts.Add((await changedProject.GetDocument(original.Id)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString());
        }

        // A Fix All over one diagnostic usually yields the single fix's text: check each distinct outcome once.
        var cacheKey = id + "\u0001" + expectedDrop + "\u0001" + string.Join("\u0001", texts);
        if (!report.Checked.Add(cacheKey))
        {
            return;
        }

        var fixedCompilation = (await CreateProject(texts).GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var analyzers = AnalyzerRunner.All.Where(a => a.SupportedDiagnostics.Any(d => d.Id == id)).ToImmutableArray();
        var (after, newErrors) = await AnalyzeAsync(fixedCompilation, analyzers, cancellationToken).ConfigureAwait(false);
        newErrors.ExceptWith(errorsBefore);
        if (newErrors.Count > 0)
        {
            report.Failures.Add($"{where}: the fixed code has new compiler errors:\n  {string.Join("\n  ", newErrors)}\n--- fixed document ---\n{fixedText}");
            return;
        }

        if (after.Exceptions.Count > 0)
        {
            report.Failures.Add($"{where}: an analyzer throws on the fixed code\n{after.Exceptions[0]}\n--- fixed document ---\n{fixedText}");
            return;
        }

        var countBefore = before.Count(d => d.Id == id && d.Location.SourceTree?.FilePath == document.FilePath);
        var countAfter = after.Diagnostics.Count(d => d.Id == id && d.Location.SourceTree?.FilePath == document.FilePath);
        if (countAfter > countBefore - expectedDrop)
        {
            report.Failures.Add($"{where}: {id} reported {countBefore} time(s) before and {countAfter} after the fix (expected at most {countBefore - expectedDrop})\n--- fixed document ---\n{fixedText}");
        }
    }

    private static async Task<List<CodeAction>> RegisterAsync(CodeFixProvider fixer, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
        await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        var flat = new List<CodeAction>();
        foreach (var action in actions)
        {
            Flatten(action, flat);
        }

        return flat;
    }

    private static readonly PropertyInfo? NestedActions = typeof(CodeAction).GetProperty("NestedActions", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        ?? typeof(CodeAction).GetProperty("NestedCodeActions", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static void Flatten(CodeAction action, List<CodeAction> into)
    {
        if (NestedActions?.GetValue(action) is ImmutableArray<CodeAction> { IsDefaultOrEmpty: false } nested)
        {
            foreach (var child in nested)
            {
                Flatten(child, into);
            }

            return;
        }

        into.Add(action);
    }

    /// <summary>
    /// Analyzer diagnostics and exceptions, and the compiler errors as "ID: message" (positions left out so moved
    /// code compares equal), from one binding of the compilation.
    /// </summary>
    private static async Task<(AnalysisOutcome Outcome, HashSet<string> Errors)> AnalyzeAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken)
    {
        var exceptions = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var all = await compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var errors = new HashSet<string>(StringComparer.Ordinal);
        var ours = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var diagnostic in all)
        {
            if (diagnostic.Id == "AD0001")
            {
                exceptions.Enqueue(diagnostic.ToString());
            }
            else if (diagnostic.Id.StartsWith("THR", StringComparison.Ordinal))
            {
                ours.Add(diagnostic);
            }
            else if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                errors.Add(diagnostic.Id + ": " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return (new AnalysisOutcome(compilation, ours.ToImmutable(), exceptions.ToArray()), errors);
    }

    private static string Where(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }

    /// <summary>The diagnostics computed once for the input, served to the Fix All provider.</summary>
    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;
        private readonly Project _project;

        public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics, Project project)
        {
            _diagnostics = diagnostics;
            _project = project;
        }

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return _diagnostics.Where(d => d.Location.SourceTree == tree || d.Location.SourceTree?.FilePath == document.FilePath);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(project.Id == _project.Id ? _diagnostics : ImmutableArray<Diagnostic>.Empty);
    }
}
