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

    /// <summary>A digit as <c>compare</c> and <c>search</c> take it (the forms <see cref="Commands.DigitSource"/> reads).</summary>
    public static Argument<string> Digit(string name) => new(name) { Description = "test:<index>, train:<index>, validation:<index>, digit:<0-9> or a PNG/JPEG file (any size or colour; made 28x28 grey, white on black, centred like MNIST)." };

    public static Option<string?> Output(string description) => new("--output") { Description = description };

    public static Option<bool> Invert(string description = "Picture files are dark digits on light paper.") => new("--invert") { Description = description };

    public static Option<int> Seed(string description, int defaultValue) => new("--seed") { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<int?> OptionalSeed(string description) => new("--seed") { Description = description };

    /// <summary>The model a <c>--model</c> argument names (resolved against the invocation folder, then the product home).</summary>
    /// <exception cref="UserInputException">Nothing usable is there.</exception>
    /// <summary><see cref="ResolveModel"/> for the verbs that take MNIST digits (compare, search, embed): a 28×28 model trained on MNIST.</summary>
    /// <exception cref="UserInputException">The model takes other inputs, or was trained on an image set (whose pictures these verbs would prepare as digits).</exception>
    public static ModelFile ResolveDigitModel(string argument, string verb)
    {
        var model = ResolveModel(argument);
        if (model.Options.InputSize != Siamese.Pipeline.Data.DigitImage.Side * Siamese.Pipeline.Data.DigitImage.Side)
        {
            throw new UserInputException($"--model {model.Path} takes {model.Options.InputSize} inputs, not 28x28 images.");
        }

        if (model.Options.Pictures is not null)
        {
            throw new UserInputException($"--model {model.Path} was trained on an image set, and {verb} takes MNIST digits; for its classes use identify --gallery <folder>, serve --gallery <folder>, one-shot-runs, or evaluate with the Data settings it was trained with.");
        }

        return model;
    }

    public static ModelFile ResolveModel(string argument)
    {
        var path = ArgumentPaths.Input(argument);
        var files = Directory.Exists(path)
            ? new[] { ModelFile.WeightsName, ModelFile.OptionsName, CheckpointFile.FileName }.Select(name => Path.Combine(path, name)).Where(File.Exists)
            : [path, Path.Combine(Path.GetDirectoryName(path) ?? ".", ModelFile.OptionsName)];
        foreach (var file in files.Where(f => File.Exists(f) || !Directory.Exists(f)))
        {
            // A named pipe or a device would block or never end when opened: refused before anything reads it.
            if (File.Exists(file) && Siamese.Pipeline.Data.RegularFile.Problem(file) is { } problem)
            {
                throw new UserInputException($"--model {file} {problem}.");
            }
        }

        try
        {
            return ModelFile.Resolve(path);
        }
        catch (FileNotFoundException e)
        {
            throw new UserInputException($"--model {e.Message}", e);
        }
    }
}
