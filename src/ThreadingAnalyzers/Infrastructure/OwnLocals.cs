using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Syntax only: whether a simple name surely means a local or parameter declared by the innermost function around it
/// (lambda, local function or member). Such a variable is one per call of that function, never shared between threads
/// (<see cref="SharedStorage.VariableSharing"/> says <see cref="Sharing.NotShared"/> for every region entry that can
/// contain it), so rules can skip a write to it before asking the concurrency model anything.
/// </summary>
internal static class OwnLocals
{
    /// <summary>
    /// True when <paramref name="expression"/> is a simple name declared, in a scope around it, by the innermost
    /// function that contains it: a local of an enclosing block, a for/foreach/using/fixed/catch variable, or a parameter.
    /// False whenever in doubt (patterns, switch sections, anything else).
    /// </summary>
    public static bool IsOwnLocal(ExpressionSyntax? expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        if (expression is not IdentifierNameSyntax identifier)
        {
            return false;
        }

        var name = identifier.Identifier.ValueText;
        SyntaxNode child = identifier;
        for (var current = identifier.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case BlockSyntax block:
                    foreach (var statement in block.Statements)
                    {
                        if (statement is LocalDeclarationStatementSyntax local && Declares(local.Declaration, name))
                        {
                            return true;
                        }
                    }

                    break;
                case ForStatementSyntax forStatement when Declares(forStatement.Declaration, name):
                case UsingStatementSyntax usingStatement when usingStatement.Statement == child && Declares(usingStatement.Declaration, name):
                case FixedStatementSyntax fixedStatement when fixedStatement.Statement == child && Declares(fixedStatement.Declaration, name):
                    return true;
                case ForEachStatementSyntax forEach when forEach.Statement == child && forEach.Identifier.ValueText == name:
                    return true;
                case CatchClauseSyntax catchClause when catchClause.Block == child && catchClause.Declaration?.Identifier.ValueText == name:
                    return true;
                case SimpleLambdaExpressionSyntax simple:
                    return simple.Parameter.Identifier.ValueText == name;
                case ParenthesizedLambdaExpressionSyntax lambda:
                    return HasParameter(lambda.ParameterList, name);
                case AnonymousMethodExpressionSyntax anonymous:
                    return HasParameter(anonymous.ParameterList, name);
                case LocalFunctionStatementSyntax localFunction:
                    return HasParameter(localFunction.ParameterList, name);
                case BaseMethodDeclarationSyntax method:
                    return HasParameter(method.ParameterList, name);
                case MemberDeclarationSyntax or GlobalStatementSyntax:
                    return false;
            }
        }

        return false;
    }

    private static bool Declares(VariableDeclarationSyntax? declaration, string name)
    {
        if (declaration is null)
        {
            return false;
        }

        foreach (var variable in declaration.Variables)
        {
            if (variable.Identifier.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasParameter(BaseParameterListSyntax? parameters, string name)
    {
        if (parameters is null)
        {
            return false;
        }

        foreach (var parameter in parameters.Parameters)
        {
            if (parameter.Identifier.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }
}
