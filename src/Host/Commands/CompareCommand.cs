using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Plots;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary><c>compare &lt;a&gt; &lt;b&gt; --model ...</c>: the similarity of two digits, and the tutorial's side-by-side picture.</summary>
public sealed partial class CompareCommand
{
    private static readonly Argument<string> FirstArgument = new("a")
    {
        Description = "test:<index>, digit:<0-9> or a PNG/JPEG file (any size or colour; made 28x28 grey, white on black, centred like MNIST).",
    };

    private static readonly Argument<string> SecondArgument = new("b") { Description = "The other digit, in the same forms." };

    private static readonly Option<string> ModelOption = new("--model")
    {
        Description = "A run folder, a model.bin (with model.json beside it) or a checkpoint.bin.",
        Required = true,
    };

    private static readonly Option<string?> OutputOption = new("--output")
    {
        Description = "A .png file, or a folder for compare-<a>-<b>.png (default: runs/pictures).",
    };

    private static readonly Option<bool> InvertOption = new("--invert") { Description = "Picture files are dark digits on light paper." };

    private static readonly Option<int> SeedOption = new("--seed") { Description = "Seed for digit:<d> samples.", DefaultValueFactory = _ => 1 };

    private readonly ILogger<CompareCommand> _logger;

    public CompareCommand(ILogger<CompareCommand> logger) => _logger = logger;

    internal static Command Create() => new("compare", "Print the model's similarity of two digits and draw them side by side, titled \"8 v.s 8 , similarity : 0.986\".")
    {
        FirstArgument, SecondArgument, ModelOption, OutputOption, InvertOption, SeedOption,
    };

    /// <summary>The tutorial's title: labels ("?" for a picture file) and the similarity to three decimals.</summary>
    public static string Title(Digit a, Digit b, float similarity) =>
        string.Create(CultureInfo.InvariantCulture, $"{a.Title} v.s {b.Title} , similarity : {similarity:F3}");

    internal static async Task<int> RunAsync(ParseResult parsed, string[] overrides)
    {
        var first = DigitSource.Parse(parsed.GetValue(FirstArgument)!);
        var second = DigitSource.Parse(parsed.GetValue(SecondArgument)!);
        var model = ModelFile.Resolve(ArgumentPaths.Input(parsed.GetValue(ModelOption)!));
        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), ShowCommand.DefaultFolder, $"compare-{first.Slug}-{second.Slug}.png");
        if (model.Options.InputSize != DigitImage.Side * DigitImage.Side)
        {
            throw new UserInputException($"--model {model.Path} takes {model.Options.InputSize} inputs, not 28x28 images.");
        }

        using var host = ProductHost.Build(ProductHost.CreateBuilder(overrides));
        var services = host.Services;
        var test = first.NeedsTestSet || second.NeedsTestSet
            ? (await services.GetRequiredService<DataService>().LoadDatasetAsync(CancellationToken.None).ConfigureAwait(false)).Test
            : null;
        var command = ActivatorUtilities.CreateInstance<CompareCommand>(services);
        bool invert = parsed.GetValue(InvertOption);
        var random = new Random(parsed.GetValue(SeedOption));
        var taken = new HashSet<int>();
        var a = first.Resolve(test, invert, random, taken, command.LogLooksInverted);
        var b = second.Resolve(test, invert, random, taken, command.LogLooksInverted);

        float rescale = (float)services.GetRequiredService<IOptions<PipelineOptions>>().Value.Augmentation.Rescale;
        float similarity;
        using (var trainer = model.Load(services.GetRequiredService<IOptions<TrainingOptions>>().Value.TorchThreads, maxBatch: 1))
        {
            var output = new float[1];
            trainer.Similarities(a.Pixels.Select(p => p * rescale).ToArray(), b.Pixels.Select(p => p * rescale).ToArray(), output);
            similarity = output[0];
        }

        var title = Title(a, b, similarity);
        DigitPictures.SavePair(a.Pixels, b.Pixels, DigitImage.Side, title, png);
        command.LogSimilarity(a.Description, b.Description, similarity, title, png);
        return ExitCode.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Similarity of {First} and {Second}: {Similarity:F3} (\"{Title}\", drawn in {Picture})")]
    private partial void LogSimilarity(string first, string second, float similarity, string title, string picture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Picture} has a light background: if it is a dark digit on paper, add --invert")]
    internal partial void LogLooksInverted(string picture);
}
