using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Plots;
using Siamese.Pipeline;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>preview-augmentation</c>: for each digit, a training image and augmented versions of it drawn with the
/// configured <c>Pipeline:Augmentation</c> settings, so the augmenter can be tuned by eye.
/// </summary>
internal static partial class PreviewAugmentationCommand
{
    public const string FileName = "augmentation-preview.png";

    private static readonly Option<string?> OutputOption = CommonOptions.Output($"A .png file, or a folder for {FileName} (default: runs/pictures).");

    private static readonly Option<int> SamplesOption = new("--samples")
    {
        Description = "Augmented versions per digit (1 to 30).",
        DefaultValueFactory = _ => 8,
    };

    private static readonly Option<int?> SeedOption = CommonOptions.OptionalSeed("Seed of the image choice and the transforms (default: Pipeline:Seed).");

    public static Verb Create(ProductHost product) => new(
        new Command("preview-augmentation", "Draw, for each digit, a training image and augmented versions of it with the current Pipeline:Augmentation settings.")
        {
            OutputOption, SamplesOption, SeedOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        int samples = parsed.GetValue(SamplesOption);
        if (samples is < 1 or > 30)
        {
            throw new UserInputException($"--samples must be between 1 and 30 (got {samples}).");
        }

        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), ShowCommand.DefaultFolder, FileName);
        using var context = CommandContext.Create(product, overrides);
        var pipeline = context.Options<PipelineOptions>();
        var split = await context.LoadSplitAsync(cancellationToken).ConfigureAwait(false);
        var grid = Grid(split.Train, pipeline.Augmentation, samples, parsed.GetValue(SeedOption) ?? pipeline.Seed);
        var settings = Describe(pipeline.Augmentation);
        DigitPictures.SaveGrid(
            grid,
            split.Train.Select(c => c.Label.ToString(CultureInfo.InvariantCulture)).ToArray(),
            ["original", .. Enumerable.Range(1, samples).Select(i => i.ToString(CultureInfo.InvariantCulture))],
            split.Train[0].Height,
            255 * pipeline.Augmentation.Rescale,
            "Pipeline:Augmentation (first column: the original)\n" + settings,
            png);
        LogPreview(context.Logger<Augmenter>(), settings, png);
        return ExitCode.Success;
    }

    /// <summary>Per class: one seeded image (rescaled, untransformed) followed by <paramref name="samples"/> augmentations of it.</summary>
    public static IReadOnlyList<IReadOnlyList<float[]>> Grid(IReadOnlyList<Pipeline.Data.ImageClass> classes, AugmentationOptions options, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var random = new Random(seed);
        int height = classes[0].Height, width = classes[0].Width;
        var augmenter = new Augmenter(options, height, width);
        return classes.Select(c =>
        {
            var source = c.Image(random.Next(c.Count));
            var row = new List<float[]>(samples + 1);
            var original = new float[height * width];
            augmenter.Apply(AugmentParameters.Identity, source, original);
            row.Add(original);
            for (int s = 0; s < samples; s++)
            {
                var augmented = new float[height * width];
                augmenter.Apply(augmenter.Draw(random), source, augmented);
                row.Add(augmented);
            }

            return (IReadOnlyList<float[]>)row;
        }).ToArray();
    }

    private static string Describe(AugmentationOptions o) => string.Create(
        CultureInfo.InvariantCulture,
        $"rotation ±{o.RotationRange}°, shift w {o.WidthShiftRange} h {o.HeightShiftRange}, zoom {o.ZoomRange}, shear {o.ShearRange}°, fill {o.FillMode}{(o.HorizontalFlip ? ", h-flip" : string.Empty)}{(o.VerticalFlip ? ", v-flip" : string.Empty)}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Augmentation preview ({Settings}) drawn in {Picture}")]
    private static partial void LogPreview(ILogger logger, string settings, string picture);
}
