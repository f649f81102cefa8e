using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Work a rule finishes once the driver has bound a type's members, such as following the calls made under a lock
/// into their callees: at the end of the type when the driver analyses one document (the IDE), and at the end of the
/// compilation when it analyses the whole compilation (a build), so that callees in types the driver has not reached
/// yet are read from its binding instead of being bound ahead of it (see <see cref="SyntaxTrigger.RegisterForWholeCompilation"/>).
/// </summary>
internal sealed class TypeEndWork
{
    private readonly ConcurrentQueue<Action<Compilation, Action<Diagnostic>, CancellationToken>> _atCompilationEnd = new();

    public TypeEndWork(CompilationStartAnalysisContext start) => SemanticModels.KeepDriverModels(start);

    /// <summary>Runs <paramref name="finish"/> (compilation, report, cancellation) when the members of the starting type are bound.</summary>
    public void Register(SymbolStartAnalysisContext typeStart, Action<Compilation, Action<Diagnostic>, CancellationToken> finish)
    {
        if (typeStart.FilterTree is null)
        {
            _atCompilationEnd.Enqueue(finish);
        }
        else
        {
            typeStart.RegisterSymbolEndAction(end => finish(end.Compilation, end.ReportDiagnostic, end.CancellationToken));
        }
    }

    /// <summary>Runs the work kept for the end of the compilation; the rule's compilation-end action calls it first.</summary>
    public void FinishAll(CompilationAnalysisContext end)
    {
        while (_atCompilationEnd.TryDequeue(out var finish))
        {
            end.CancellationToken.ThrowIfCancellationRequested();
            finish(end.Compilation, end.ReportDiagnostic, end.CancellationToken);
        }
    }
}
