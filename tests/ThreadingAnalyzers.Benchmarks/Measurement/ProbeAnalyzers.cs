using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

#pragma warning disable RS1001, RS1012, RS1036, RS1041, RS2008 // Measurement probes handed to the driver directly, never loaded by a compiler.

namespace ThreadingAnalyzers.Benchmarks.Measurement;

/// <summary>Reference analyzers that cost nothing themselves, to separate the analyzer driver's own work from ours.</summary>
internal static class ProbeAnalyzers
{
    private static readonly DiagnosticDescriptor Unused = new(
        "PROBE", "Probe", "Probe", "Probe", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    /// <summary>
    /// One empty operation action on every invocation: the least an operation-triggered rule can cost. It also makes
    /// the driver bind every member and build its operations, as every .NET SDK build already does for the SDK's own
    /// operation analyzers that are on by default (CA1416), so the floor run does the driver's share of our rules' work.
    /// </summary>
    public static DiagnosticAnalyzer EmptyInvocationAction { get; } = new EmptyInvocationActionAnalyzer();

    /// <summary>
    /// Only resolves the shared <see cref="Infrastructure.WellKnownTypes"/> at compilation start: the per-compilation
    /// cost every rule shares (the first analyzer to ask pays it).
    /// </summary>
    public static DiagnosticAnalyzer WellKnownTypesOnly { get; } = new WellKnownTypesOnlyAnalyzer();

    private sealed class WellKnownTypesOnlyAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Unused);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start => Infrastructure.WellKnownTypes.Get(start.Compilation));
        }
    }

    private sealed class EmptyInvocationActionAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Unused);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
        }
    }
}
