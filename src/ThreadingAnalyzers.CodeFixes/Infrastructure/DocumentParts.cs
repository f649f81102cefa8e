using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.CodeFixes.Infrastructure;

/// <summary>What every fixer reads first: a document's syntax root and semantic model.</summary>
internal static class DocumentParts
{
    /// <summary>The root and model of <paramref name="document"/>, or null when it has none (a document that is not C#).</summary>
    public static async Task<(SyntaxNode Root, SemanticModel Model)?> GetAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root is null || model is null ? null : (root, model);
    }
}
