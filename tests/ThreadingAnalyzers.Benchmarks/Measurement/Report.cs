using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Benchmarks.Corpus;

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>The markdown report: per input, the compiler's time, each analyzer's time and share, scaling, budgets.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();
    private readonly List<string> _misses = new();

    public IReadOnlyList<string> BudgetMisses => _misses;

    public string Text => _text.ToString();

    public void Header(int runs, string loadBefore)
    {
        Line("# ThreadingAnalyzers benchmark");
        Line();
        Line($"- Machine: {CpuModel()}, {Environment.ProcessorCount} logical cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0} GiB, {RuntimeInformation.OSDescription}");
        Line($"- Runtime: .NET {Environment.Version}, host compiler Microsoft.CodeAnalysis {typeof(Microsoft.CodeAnalysis.Compilation).Assembly.GetName().Version}");
        Line($"- Method: single-threaded (concurrentBuild: false, concurrentAnalysis: false), fresh compilation of freshly parsed trees per run, median of {runs} runs, each input measured once the JIT has settled: the compile uses no more CPU than wall time and the rules' logged time stays within 10 % from one round to the next, twice in a row (rounds per input below its table); load average before: {loadBefore}");
        var names = new StringBuilder();
        foreach (var analyzer in AnalyzerCatalog.All)
        {
            names.Append(names.Length == 0 ? string.Empty : ", ").Append(AnalyzerCatalog.DisplayName(analyzer));
        }

        Line($"- Analyzers ({AnalyzerCatalog.All.Length}, found by reflection in {System.IO.Path.GetFileName(AnalyzerCatalog.Source)}): {names}");
        Line("- Baseline = CPU time of `GetDiagnostics()` on a fresh compilation with no analyzers (the compiler binding everything). " +
             "Analyzer time = the execution time the analyzer driver logs per analyzer (`logAnalyzerExecutionTime`, what `-p:ReportAnalyzer=true` shows), " +
             "times the CPU share of that run (CPU time / wall time; 1 on an idle machine), so that a busy machine does not inflate it; " +
             "all analyzers together on a fresh compilation; \"alone\" = the analyzer by itself. Allocations = bytes allocated by the run with that analyzer alone " +
             "minus the run with the empty probes (both compile everything and build every member's operations, as the SDK's default-on operation analyzers such as CA1416 make every build do). " +
             "Probes: an empty operation action on every invocation (the least any operation-triggered rule costs) " +
             "and resolving the shared WellKnownTypes (a per-compilation cost paid by whichever rule asks first).");
        Line();
    }

    public void Input(IReadOnlyList<InputResult> scales)
    {
        var first = scales[0];
        var budget = Budgets.PercentFor(first.Input);
        Line($"## {first.Input}: {first.Corpus.Description}");
        Line();
        Line("| Size | Files | Lines | Compiler errors | Baseline CPU ms (wall) | All rules ms | % of baseline | ms / 1,000 lines | Budget |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var result in scales)
        {
            var percent = Percent(result.LoggedTotalMs, result.Baseline.CpuMs);
            var verdict = budget is null ? "n/a" : percent <= budget ? $"ok (≤ {budget.Value.ToString("0.###", CultureInfo.InvariantCulture)} %)" : $"**MISSED** (> {budget.Value.ToString("0.###", CultureInfo.InvariantCulture)} %)";
            if (budget is not null && percent > budget)
            {
                _misses.Add($"{result.Input} x{result.Scale}: all rules {F(percent, 3)} % of baseline > {budget} %");
            }

            Line($"| {result.Scale}x | {result.Files:N0} | {result.Lines:N0} | {result.CompilerErrors} | {F(result.Baseline.CpuMs, 0)} ({F(result.Baseline.WallMs, 0)}) | {F(result.LoggedTotalMs, 1)} | {F(percent, 3)} | {F(PerKloc(result.LoggedTotalMs, result.Lines), 3)} | {verdict} |");
        }

        Line();
        foreach (var result in scales)
        {
            Line(result.SettleRounds > 0
                ? $"- {result.Scale}x measured after {result.SettleRounds} rounds of compiling and analyzing it, once the JIT had settled."
                : $"- {result.Scale}x: **the JIT was still recompiling in the background** after the settling rounds; its CPU times include that work.");
        }

        Line();
        foreach (var result in scales)
        {
            if (result.Alone is not null)
            {
                PerAnalyzer(result);
            }
        }

        if (scales.Count > 1)
        {
            Scaling(scales);
        }

        foreach (var result in scales)
        {
            foreach (var exception in result.AnalyzerExceptions)
            {
                _misses.Add($"{result.Input} x{result.Scale}: analyzer exception: {exception}");
                Line($"- **Analyzer exception** ({result.Scale}x): {exception}");
            }
        }

        Line();
    }

    private void PerAnalyzer(InputResult result)
    {
        Line($"Per analyzer at {result.Scale}x ({result.Lines:N0} lines; baseline {F(result.Baseline.CpuMs, 0)} ms CPU, {F(result.Baseline.AllocatedMb, 0)} MB allocated):");
        Line();
        Line("| Analyzer | Reports | Together ms | % of baseline | ms / 1,000 lines | Alone ms | Alone % | Allocated MB (alone) |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        Line($"| *(floor: one empty operation action on every invocation)* | – | {F(result.FloorLoggedMs, 1)} | {F(Percent(result.FloorLoggedMs, result.Baseline.CpuMs), 3)} | {F(PerKloc(result.FloorLoggedMs, result.Lines), 3)} | – | – | {F(result.Floor.AllocatedMb - result.Baseline.AllocatedMb, 1)} over baseline |");
        Line($"| *(shared: resolving WellKnownTypes once per compilation; paid by the first rule)* | – | {F(result.WellKnownTypesMs, 1)} | {F(Percent(result.WellKnownTypesMs, result.Baseline.CpuMs), 3)} | {F(PerKloc(result.WellKnownTypesMs, result.Lines), 3)} | – | – | – |");
        foreach (var analyzer in AnalyzerCatalog.All)
        {
            var together = result.LoggedMs[analyzer];
            var alone = result.AloneLoggedMs[analyzer];
            var allocated = result.Alone![analyzer].AllocatedMb - result.Floor.AllocatedMb;
            Line($"| {AnalyzerCatalog.DisplayName(analyzer)} | {Reports(result, analyzer)} | {F(together, 1)} | {F(Percent(together, result.Baseline.CpuMs), 3)} | {F(PerKloc(together, result.Lines), 3)} | {F(alone, 1)} | {F(Percent(alone, result.Baseline.CpuMs), 3)} | {F(allocated, 1)} |");
        }

        var allAllocated = result.All.AllocatedMb - result.Floor.AllocatedMb;
        Line($"| **All rules** | {TotalReports(result)} | {F(result.LoggedTotalMs, 1)} | {F(Percent(result.LoggedTotalMs, result.Baseline.CpuMs), 3)} | {F(PerKloc(result.LoggedTotalMs, result.Lines), 3)} | – | – | {F(allAllocated, 1)} |");
        Line();
        if (result.All.CpuMs < result.Baseline.CpuMs / 2)
        {
            Line($"Whole runs (CPU ms, medians): compiler {F(result.Baseline.CpuMs, 0)}, driver with the empty probes {F(result.Floor.CpuMs, 0)}, driver with all rules {F(result.All.CpuMs, 0)}: " +
                 "no rule registered anything that needs the compiler, so the driver compiled nothing.");
            Line();
            return;
        }

        var beyond = Stats.Median(result.BeyondFloorMs);
        Line($"Whole runs (CPU ms, medians): compiler {F(result.Baseline.CpuMs, 0)}, driver with the empty probes {F(result.Floor.CpuMs, 0)}, driver with all rules {F(result.All.CpuMs, 0)}. " +
             $"All rules beyond the probes, median of the per-run differences: {F(beyond, 0)} ms CPU, {F(Percent(beyond, result.Baseline.CpuMs), 2)} % of the compiler " +
             $"(runs: {string.Join(", ", Array.ConvertAll(result.BeyondFloorMs, d => F(d, 0)))}). This is what the rules add to a build whose driver builds every member's operations anyway, " +
             "as the SDK's default-on operation analyzers make it do; the logged figures above also count binding a rule did before the driver would have. " +
             "Each difference is of two whole compilations, so it is noisier than the logged figures.");
        Line();
    }

    private void Scaling(IReadOnlyList<InputResult> scales)
    {
        var first = scales[0];
        var last = scales[scales.Count - 1];
        var factor = (double)last.Scale / first.Scale;
        var baselineGrowth = last.Baseline.CpuMs / first.Baseline.CpuMs;
        var what = first.Input == "long-methods" ? "method length" : "corpus size";
        Line($"Scaling with {what} (analyzer ms, all together):");
        Line();
        var header = new StringBuilder("| Analyzer |");
        var rule = new StringBuilder("|---|");
        foreach (var result in scales)
        {
            header.Append($" {result.Scale}x |");
            rule.Append("---:|");
        }

        header.Append($" {last.Scale}x / {first.Scale}x | Verdict |");
        rule.Append("---:|---|");
        Line(header.ToString());
        Line(rule.ToString());

        var baselineRow = new StringBuilder("| *Compiler (baseline)* |");
        foreach (var result in scales)
        {
            baselineRow.Append($" {F(result.Baseline.CpuMs, 0)} |");
        }

        baselineRow.Append($" {F(baselineGrowth, 2)} | reference |");
        Line(baselineRow.ToString());

        foreach (var analyzer in AnalyzerCatalog.All)
        {
            var row = new StringBuilder($"| {AnalyzerCatalog.DisplayName(analyzer)} |");
            foreach (var result in scales)
            {
                row.Append($" {F(result.LoggedMs[analyzer], 1)} |");
            }

            var t1 = first.LoggedMs[analyzer];
            var tn = last.LoggedMs[analyzer];
            var growth = t1 > 0 ? tn / t1 : double.NaN;
            string verdict;
            if (t1 < Budgets.NoiseFloorMs)
            {
                verdict = $"below {Budgets.NoiseFloorMs} ms, not judged";
            }
            else if (growth <= Math.Max(factor, baselineGrowth) * Budgets.ScalingTolerance)
            {
                verdict = $"linear (exponent {F(Math.Log(growth) / Math.Log(factor), 2)})";
            }
            else
            {
                verdict = $"**faster than linear** (exponent {F(Math.Log(growth) / Math.Log(factor), 2)})";
                _misses.Add($"{first.Input}: {AnalyzerCatalog.DisplayName(analyzer)} grows {F(growth, 2)}x for {F(factor, 0)}x {what}");
            }

            row.Append($" {F(growth, 2)} | {verdict} |");
            Line(row.ToString());
        }

        Line();
    }

    /// <summary>A comparison of two builds over one input (see <see cref="Comparison"/>).</summary>
    public void Comparison(SourceCorpus corpus, string baseBuild, string otherBuild, IReadOnlyList<ComparisonRow> rows)
    {
        Line($"## {corpus.Name}: {corpus.Lines:N0} lines, {baseBuild} (base) against {otherBuild} (other)");
        Line();
        Line("| Analyzer | Base ms | Other ms | Median of paired differences (other − base) | Other faster in |");
        Line("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var name = row.Name == Measurement.Comparison.Total ? "**" + row.Name + "**" : row.Name;
            Line($"| {name} | {F(row.BaseMs, 1)} | {F(row.OtherMs, 1)} | {F(row.MedianDifferenceMs, 1)} ({F(Percent(row.MedianDifferenceMs, row.BaseMs), 0)} %) | {row.OtherFaster} of {row.Runs} runs |");
        }

        Line();
    }

    public void Footer()
    {
        Line("## Budgets");
        Line();
        if (_misses.Count == 0)
        {
            Line("Every measured input is within its budget, and no rule grows faster than linearly.");
        }
        else
        {
            foreach (var miss in _misses)
            {
                Line("- " + miss);
            }
        }

        Line();
    }

    public void Save(string path) => File.WriteAllText(path, Text);

    private static string Reports(InputResult result, DiagnosticAnalyzer analyzer)
    {
        var total = 0;
        foreach (var descriptor in analyzer.SupportedDiagnostics)
        {
            total += result.Reports.TryGetValue(descriptor.Id, out var count) ? count : 0;
        }

        return total.ToString("N0", CultureInfo.InvariantCulture);
    }

    private static string TotalReports(InputResult result)
    {
        var total = 0;
        foreach (var count in result.Reports.Values)
        {
            total += count;
        }

        return total.ToString("N0", CultureInfo.InvariantCulture);
    }

    private static double Percent(double part, double whole) => whole <= 0 ? double.NaN : 100.0 * part / whole;

    private static double PerKloc(double ms, int lines) => lines == 0 ? double.NaN : ms * 1000.0 / lines;

    private static string F(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line.Substring(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private void Line(string text = "") => _text.Append(text).Append('\n');
}
