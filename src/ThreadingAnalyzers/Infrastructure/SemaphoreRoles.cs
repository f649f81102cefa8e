using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// Whether a semaphore (<c>SemaphoreSlim</c>, <c>Semaphore</c>) is used as a lock or as a signal. The same API serves
/// both: <c>new SemaphoreSlim(1, 1)</c> waited and released by one method is a mutex, while a consumer that waits for
/// items a producer announces with <c>Release()</c> is a counting signal, like an <c>AutoResetEvent</c>. Only the first
/// holds anything: treating the second as a lock makes every statement after the wait "under the lock" and invents
/// lock orders with the locks the producer takes.
/// </summary>
/// <remarks>
/// A wait counts as taking a lock only when its own function (not a lambda or local function in it) also releases
/// the same semaphore, and nothing shows the semaphore is a signal:
/// <list type="bullet">
/// <item>it is created with an initial count of 0 (<c>new SemaphoreSlim(0)</c> in its field or property initializer,
/// a constructor of its type, or its local declaration): nobody can enter before someone releases, which is signalling;</item>
/// <item>for a field or property, a member of its type releases it without ever waiting on it: a release by design in
/// another method is a hand-over, not the end of a critical section.</item>
/// </list>
/// Answers are cached per compilation.
/// </remarks>
internal static class SemaphoreRoles
{
    private static readonly ConditionalWeakTable<Compilation, Answers> Cache = new();

    /// <summary>
    /// True when <paramref name="wait"/> (<c>Wait</c>/<c>WaitAsync</c>/<c>WaitOne</c>) on <paramref name="semaphore"/> takes it
    /// like a lock: the same function releases it and it is not a signal.
    /// </summary>
    public static bool IsLockUse(IInvocationOperation wait, IOperation semaphore)
    {
        var answers = wait.SemanticModel is { } model ? Cache.GetValue(model.Compilation, static _ => new Answers()) : null;
        if (answers is not null && answers.Waits.TryGetValue(wait.Syntax, out var known))
        {
            return known;
        }

        var result = ReleasedInSameFunction(wait, semaphore) && !IsSignal(semaphore, answers);
        answers?.Waits.TryAdd(wait.Syntax, result);
        return result;
    }

    private static bool ReleasedInSameFunction(IInvocationOperation wait, IOperation semaphore)
    {
        var function = wait.GetEnclosingFunction() ?? FlowGraphs.GetRoot(wait);
        foreach (var operation in OperationWalk.InFunction(function, skipFunctions: null, skipAllNested: true))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Release", Instance: { } instance }
                && LockObjects.AreSame(instance, semaphore))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSignal(IOperation semaphore, Answers? answers)
    {
        var symbol = semaphore.WalkDownConversions() switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property.OriginalDefinition,
            _ => (ISymbol?)null,
        };
        if (symbol is null)
        {
            return false;
        }

        if (answers is not null && answers.Signals.TryGetValue(symbol, out var known))
        {
            return known;
        }

        var result = CreatedEmpty(symbol) || symbol is not ILocalSymbol && ReleasedWithoutWaitInType(symbol, answers);
        answers?.Signals.TryAdd(symbol, result);
        return result;
    }

    /// <summary>True when the storage is initialized, or assigned in a constructor of its type, with a semaphore whose initial count is 0.</summary>
    private static bool CreatedEmpty(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax() switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializer is not null && IsEmptySemaphoreCreation(initializer))
            {
                return true;
            }
        }

        if (symbol is ILocalSymbol || symbol.ContainingType is not { } type)
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var member in declaration.Members)
            {
                if (member is not ConstructorDeclarationSyntax constructor)
                {
                    continue;
                }

                foreach (var node in constructor.DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                        && Names(assignment.Left, symbol.Name)
                        && IsEmptySemaphoreCreation(assignment.Right))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary><c>new SemaphoreSlim(0)</c>, <c>new(0, 1)</c>, <c>new Semaphore(initialCount: 0, maximumCount: 4)</c>.</summary>
    private static bool IsEmptySemaphoreCreation(ExpressionSyntax expression)
    {
        if (expression is not BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments })
        {
            return false;
        }

        var initialCount = arguments[0];
        foreach (var argument in arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == "initialCount")
            {
                initialCount = argument;
            }
        }

        return initialCount.Expression is LiteralExpressionSyntax { Token.Value: 0 };
    }

    /// <summary>True when some member of the storage's type calls <c>Release</c> on it and never waits on it.</summary>
    private static bool ReleasedWithoutWaitInType(ISymbol symbol, Answers? answers)
    {
        if (symbol.ContainingType is not { } type)
        {
            return false;
        }

        var names = answers is null
            ? ReleasedWithoutWait(type)
            : answers.ReleasedWithoutWait.GetOrAdd(type.OriginalDefinition, static t => ReleasedWithoutWait((INamedTypeSymbol)t));
        return names.Contains(symbol.Name);
    }

    /// <summary>
    /// The names (<c>_ready</c>, <c>this._ready</c>) that some member of <paramref name="type"/> calls <c>Release</c> on
    /// and never waits on: one walk of the type for all of its semaphores.
    /// </summary>
    private static HashSet<string> ReleasedWithoutWait(INamedTypeSymbol type)
    {
        var result = new HashSet<string>(System.StringComparer.Ordinal);
        var releases = new HashSet<string>(System.StringComparer.Ordinal);
        var waits = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var member in declaration.Members)
            {
                if (member is BaseTypeDeclarationSyntax)
                {
                    continue;
                }

                releases.Clear();
                waits.Clear();
                foreach (var node in member.DescendantNodes())
                {
                    if (node is not InvocationExpressionSyntax invocation)
                    {
                        continue;
                    }

                    var (receiver, name) = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access => (access.Expression, access.Name.Identifier.ValueText),
                        MemberBindingExpressionSyntax binding when invocation.Parent is ConditionalAccessExpressionSyntax conditional => (conditional.Expression, binding.Name.Identifier.ValueText),
                        _ => (null, null),
                    };
                    if (receiver is null || NameOf(receiver) is not { } storage)
                    {
                        continue;
                    }

                    if (name == "Release")
                    {
                        releases.Add(storage);
                    }
                    else if (name is "Wait" or "WaitAsync" or "WaitOne")
                    {
                        waits.Add(storage);
                    }
                }

                foreach (var released in releases)
                {
                    if (!waits.Contains(released))
                    {
                        result.Add(released);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The name in <c>name</c>, <c>this.name</c>, <c>name!</c> and <c>(name)</c>; null for anything else.</summary>
    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed => NameOf(suppressed.Operand),
        ParenthesizedExpressionSyntax parenthesized => NameOf(parenthesized.Expression),
        _ => null,
    };

    /// <summary>True for <c>name</c>, <c>this.name</c>, <c>name!</c> and <c>(name)</c>.</summary>
    private static bool Names(ExpressionSyntax expression, string name) => NameOf(expression) == name;

    private sealed class Answers
    {
        public ConcurrentDictionary<SyntaxNode, bool> Waits { get; } = new();

        public ConcurrentDictionary<ISymbol, bool> Signals { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Per type, see <see cref="ReleasedWithoutWait"/>.</summary>
        public ConcurrentDictionary<ISymbol, HashSet<string>> ReleasedWithoutWait { get; } = new(SymbolEqualityComparer.Default);
    }
}
