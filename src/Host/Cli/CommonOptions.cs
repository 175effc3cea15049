using System.CommandLine;
using Siamese.Model;

namespace Siamese.Host.Cli;

/// <summary>The options several verbs share, declared once.</summary>
internal static class CommonOptions
{
    public static Option<string> Model() => new("--model")
    {
        Description = "A run folder, a model.bin (with model.json beside it) or a checkpoint.bin.",
        Required = true,
    };

    public static Option<string?> Output(string description) => new("--output") { Description = description };

    public static Option<bool> Invert(string description = "Picture files are dark digits on light paper.") => new("--invert") { Description = description };

    public static Option<int> Seed(string description, int defaultValue) => new("--seed") { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<int?> OptionalSeed(string description) => new("--seed") { Description = description };

    /// <summary>The model a <c>--model</c> argument names (resolved against the invocation folder, then the product home).</summary>
    /// <exception cref="UserInputException">Nothing usable is there.</exception>
    public static ModelFile ResolveModel(string argument)
    {
        try
        {
            return ModelFile.Resolve(ArgumentPaths.Input(argument));
        }
        catch (FileNotFoundException e)
        {
            throw new UserInputException($"--model {e.Message}", e);
        }
    }
}
