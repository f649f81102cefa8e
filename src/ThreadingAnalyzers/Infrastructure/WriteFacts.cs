using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>Whether a variable is assigned, by operation (in a bound tree) or by syntax position (before binding).</summary>
internal static class WriteFacts
{
    /// <summary>
    /// True when anything in <paramref name="scope"/> (lambdas and local functions included) may change
    /// <paramref name="symbol"/> after its declaration: an assignment, <c>++</c>/<c>--</c>, a <c>ref</c>/<c>out</c>
    /// argument, a <c>ref</c> alias, or a deconstruction.
    /// </summary>
    public static bool IsWrittenIn(IOperation scope, ISymbol symbol)
    {
        foreach (var operation in scope.Descendants())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                IAddressOfOperation address => address.Reference,
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: true } } initializer => initializer.Value,
                _ => null,
            };
            if (target is null)
            {
                continue;
            }

            if (Names(target, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="identifier"/> is written where it stands: left of an assignment, <c>++</c>/<c>--</c>, <c>ref</c>/<c>out</c>, <c>ref</c> alias.</summary>
    public static bool IsWritePosition(IdentifierNameSyntax identifier)
    {
        SyntaxNode node = identifier;
        if (node.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == node)
        {
            node = access;
        }

        while (node.Parent is ParenthesizedExpressionSyntax or TupleExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax })
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)
                || prefix.IsKind(SyntaxKind.AddressOfExpression),
            PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            RefExpressionSyntax => true,
            _ => false,
        };
    }

    private static bool Names(IOperation target, ISymbol symbol)
    {
        switch (target.WalkDownConversions())
        {
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    if (Names(element, symbol))
                    {
                        return true;
                    }
                }

                return false;
            case IDeclarationExpressionOperation declaration:
                return Names(declaration.Expression, symbol);
            case var other:
                return SymbolEqualityComparer.Default.Equals(other.GetStorageSymbol(), symbol);
        }
    }
}
