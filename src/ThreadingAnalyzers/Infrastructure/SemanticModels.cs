using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

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
internal sealed class SemanticModels
{
    private static readonly ConditionalWeakTable<Compilation, SemanticModels> ByCompilation = new();

    private readonly Compilation _compilation;
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

    private SemanticModels(Compilation compilation) => _compilation = compilation;

    /// <summary>The models of <paramref name="compilation"/>.</summary>
    public static SemanticModels Of(Compilation compilation) => ByCompilation.GetValue(compilation, static c => new SemanticModels(c));

    /// <summary>
    /// Keeps the driver's model of each tree once the driver has analysed the tree, for rules that finish their work at
    /// the end of the compilation.
    /// </summary>
    public static void KeepDriverModels(CompilationStartAnalysisContext start)
    {
        var models = Of(start.Compilation);
        start.RegisterSemanticModelAction(context => models.Keep(context.SemanticModel));
    }

    /// <summary>Remembers <paramref name="model"/> (the driver's) for its tree, unless the tree already has one.</summary>
    private void Keep(SemanticModel model)
    {
        lock (_models)
        {
            if (!_models.ContainsKey(model.SyntaxTree))
            {
                _models.Add(model.SyntaxTree, model);
            }
        }
    }

    /// <summary>The model of <paramref name="tree"/>: the one kept, or the compilation's (inside the driver, its cached model).</summary>
    public SemanticModel Get(SyntaxTree tree)
    {
        lock (_models)
        {
            if (!_models.TryGetValue(tree, out var model))
            {
#pragma warning disable RS1030 // Regions and their callees live in other trees; inside the analyzer driver this returns its cached model.
                model = _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                _models.Add(tree, model);
            }

            return model;
        }
    }
}
