using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class SyntaxTriggerTests
{
    [Fact]
    public async Task Each_trigger_syntax_is_delivered_once_with_the_operation_bound_for_it()
    {
        var probe = new Probe(SyntaxKind.InvocationExpression, SyntaxKind.LockStatement, SyntaxKind.WhileStatement, SyntaxKind.PostIncrementExpression);
        var outcome = await AnalyzerRunner.RunAsync(
            """
            using System.Collections.Generic;

            class C
            {
                private readonly object _gate = new object();
                private int _count;

                List<int> M()
                {
                    lock (_gate)
                    {
                        while (_count < 3) _count++;
                    }

                    return new List<int> { Next(), 2 };
                }

                int Next() => _count;
            }
            """,
            ImmutableArray.Create<DiagnosticAnalyzer>(probe));

        Assert.Empty(outcome.Exceptions);
        Assert.Equal(
            new[] { "InvocationExpression Next() Invocation", "LockStatement Lock", "PostIncrementExpression Increment", "WhileStatement Loop" },
            probe.Seen.OrderBy(text => text, System.StringComparer.Ordinal));
    }

    [Fact]
    public async Task Broken_code_is_delivered_without_throwing()
    {
        var probe = new Probe(SyntaxKind.InvocationExpression, SyntaxKind.ObjectCreationExpression);
        var outcome = await AnalyzerRunner.RunAsync("class C { void M() { Missing(); new Unknown(1); var x = nameof(M); } }", ImmutableArray.Create<DiagnosticAnalyzer>(probe));

        Assert.Empty(outcome.Exceptions);
        Assert.Contains("InvocationExpression Missing() Invalid", probe.Seen);
        Assert.Contains("ObjectCreationExpression Invalid", probe.Seen);
    }

#pragma warning disable RS1001, RS1025, RS1026, RS1036, RS1041, RS2008 // A probe handed to the driver directly.
    private sealed class Probe : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Unused = new("PROBE", "Probe", "Probe", "Probe", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
        private readonly SyntaxKind[] _kinds;

        public Probe(params SyntaxKind[] kinds) => _kinds = kinds;

        public ConcurrentBag<string> Seen { get; } = new();

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Unused);

        public override void Initialize(AnalysisContext context)
            => context.RegisterCompilationStartAction(start => SyntaxTrigger.Register(
                start,
                trigger => Seen.Add(trigger.Node.Kind() + (trigger.Node is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax ? " " + trigger.Node : string.Empty) + " " + trigger.Operation.Kind),
                _kinds));
    }
#pragma warning restore RS1001, RS1025, RS1026, RS1036, RS1041, RS2008
}
