using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers.Infrastructure;

/// <summary>
/// One semantic model per tree of a compilation, shared by every rule that looks beyond the member it was triggered
/// in: the analyzer driver's own model where a rule was handed one, so that binding done by the driver (or by another
/// rule) is done once.
/// </summary>
/// <remarks>
/// The driver drops its cached model of a tree once the tree is analysed; a rule that asks about the tree later (at the
/// end of the compilation) would get a new model and bind again. A model kept here keeps its binding until the
/// compilation is collected.
/// </remarks>
internal static class SemanticModels
{
    private static readonly ConditionalWeakTable<Compilation, Dictionary<SyntaxTree, SemanticModel>> Models = new();

    /// <summary>Remembers <paramref name="model"/> (the driver's) for its tree, unless the tree already has one.</summary>
    public static void Keep(SemanticModel model)
    {
        var models = Models.GetValue(model.Compilation, static _ => new Dictionary<SyntaxTree, SemanticModel>());
        lock (models)
        {
            if (!models.ContainsKey(model.SyntaxTree))
            {
                models.Add(model.SyntaxTree, model);
            }
        }
    }

    /// <summary>The model of <paramref name="tree"/>: the one kept, or the compilation's (inside the driver, its cached model).</summary>
    public static SemanticModel Get(Compilation compilation, SyntaxTree tree)
    {
        var models = Models.GetValue(compilation, static _ => new Dictionary<SyntaxTree, SemanticModel>());
        lock (models)
        {
            if (!models.TryGetValue(tree, out var model))
            {
#pragma warning disable RS1030 // Regions and their callees live in other trees; inside the analyzer driver this returns its cached model.
                model = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                models.Add(tree, model);
            }

            return model;
        }
    }
}
