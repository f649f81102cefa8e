using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class OwnLocalsTests
{
    private static IOperation WrittenAfterMarker(string body)
    {
        var tree = CSharpSyntaxTree.ParseText($$"""
            class C
            {
                int x;
                void M(int p)
                {
                    {{body}}
                }
            }
            """);
        var compilation = CSharpCompilation.Create("t", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var marker = tree.GetText().ToString().IndexOf("/*x*/", System.StringComparison.Ordinal);
        var assignment = tree.GetRoot().DescendantNodes().OfType<AssignmentExpressionSyntax>().First(a => a.SpanStart >= marker);
        var operation = (IAssignmentOperation)compilation.GetSemanticModel(tree).GetOperation(assignment)!;
        return operation.Target;
    }

    [Theory]
    [InlineData("int x = 0; /*x*/x = 1;")]
    [InlineData("/*x*/p = 1;")]
    [InlineData("for (int x = 0; x < 3; x++) { /*x*/x = 2; }")]
    [InlineData("foreach (var x in new int[0]) { /*x*/p = x; }")]
    [InlineData("try { } catch (System.Exception x) { /*x*/x = null; }")]
    [InlineData("System.Action<int> a = x => { /*x*/x = 1; };")]
    [InlineData("System.Action a = () => { int x = 0; /*x*/x = 1; };")]
    [InlineData("void Local(int x) { /*x*/x = 1; }")]
    [InlineData("if (p is int x) { /*x*/x = 1; }")]
    [InlineData("int.TryParse(\"1\", out var x); /*x*/x = 1;")]
    public void A_variable_of_the_innermost_function_is_its_own(string body)
        => Assert.True(OwnLocals.IsOwnVariable(WrittenAfterMarker(body)));

    [Theory]
    [InlineData("/*x*/x = 1;")]
    [InlineData("int x = 0; System.Action a = () => { /*x*/x = 1; };")]
    [InlineData("System.Action a = () => { /*x*/p = 1; };")]
    [InlineData("int x = 0; void Local() { /*x*/x = 1; }")]
    [InlineData("int x = 0; System.Action a = () => { void Local() { /*x*/x = 1; } };")]
    [InlineData("/*x*/this.x = 1;")]
    public void A_field_or_a_captured_variable_is_not(string body)
        => Assert.False(OwnLocals.IsOwnVariable(WrittenAfterMarker(body)));
}
