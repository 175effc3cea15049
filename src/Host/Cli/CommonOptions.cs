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
