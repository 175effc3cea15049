using System.CommandLine;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Plots;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>embed [digits...] --model ...</c>: the embeddings of a split (or of the digits named) as <c>embeddings.npy</c>
/// (float32 [N, D]) and <c>labels.npy</c> (uint8 [N]; 255 for a picture file, which has no label), and a PCA picture of
/// them coloured by digit.
/// </summary>
internal static partial class EmbedCommand
{
    public const string DefaultFolder = "runs/embeddings";
    public const string EmbeddingsName = "embeddings.npy";
    public const string LabelsName = "labels.npy";
    public const string PictureName = "embeddings-2d.png";

    private static readonly Argument<string[]> DigitsArgument = new("digits")
    {
        Description = "Digits to embed instead of a split: test:<index>, train:<index>, validation:<index>, digit:<0-9> or PNG/JPEG files (label 255).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string> SplitOption = DigitSource.SplitOption("--split", "The MNIST split to embed, in file order (without digits).");

    private static readonly Option<string?> OutputOption = CommonOptions.Output($"Folder for {EmbeddingsName}, {LabelsName} and {PictureName} (default: {DefaultFolder}).");

    private static readonly Option<bool> InvertOption = CommonOptions.Invert();

    private static readonly Option<int> SeedOption = CommonOptions.Seed("Seed for digit:<d> samples.", 1);

    public static Verb Create(ProductHost product) => new(
        new Command("embed", $"Write the embeddings of a split (or of the digits given) as {EmbeddingsName} (float32 [N, D]) and {LabelsName} (uint8 [N], 255 = no label), and draw them in two dimensions (PCA) coloured by digit.")
        {
            DigitsArgument, ModelOption, SplitOption, OutputOption, InvertOption, SeedOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var digits = (parsed.GetValue(DigitsArgument) ?? []).Select(DigitSource.Parse).ToArray();
        var split = parsed.GetValue(SplitOption)!;
        if (digits.Length > 0 && parsed.GetResult(SplitOption) is { Implicit: false })
        {
            throw new UserInputException("Give digits or --split, not both.");
        }

        var model = CommonOptions.ResolveDigitModel(parsed.GetValue(ModelOption)!, "embed");

        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), Path.GetFullPath(DefaultFolder, ProductHome.Locate()));
        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<SiameseModel>();
        var library = digits.Length == 0 || digits.Any(d => d.NeedsData) ? await DigitLibrary.LoadAsync(context, cancellationToken).ConfigureAwait(false) : null;
        var (images, what) = digits.Length == 0
            ? (library!.Images(split), $"the {split} split")
            : (Resolve(digits, library, parsed.GetValue(InvertOption), parsed.GetValue(SeedOption), logger), "the digits given");

        using var scoring = SiameseModel.Load(model.Path);
        var embeddings = Embeddings.Compute(scoring, images, cancellationToken);
        int width = scoring.EmbeddingSize;
        var npy = Path.Combine(output, EmbeddingsName);
        var labels = Path.Combine(output, LabelsName);
        var png = Path.Combine(output, PictureName);
        AtomicFile.Write(npy, stream => NpyWriter.Write(stream, embeddings, images.Count, width));
        // MNIST's ten digits, and 255 for no label, fit labels.npy's uint8.
        var digitLabels = images.Labels.Select(l => checked((byte)l)).ToArray();
        AtomicFile.Write(labels, stream => NpyWriter.Write(stream, digitLabels, images.Count));
        cancellationToken.ThrowIfCancellationRequested();
        var projection = Pca.Project(embeddings, width);
        EmbeddingPlot.Save(projection, digitLabels, $"{images.Count} embeddings of {what}, PCA of {width} dimensions", png);
        LogWritten(logger, images.Count, what, model.Describe(), npy, images.Count, width, labels, png);
        if (digitLabels.Contains(EmbeddingPlot.Unlabelled))
        {
            LogUnlabelled(logger, EmbeddingPlot.Unlabelled);
        }

        return ExitCode.Success;
    }

    private static IndexedImages Resolve(DigitSource[] digits, DigitLibrary? library, bool invert, int seed, ILogger logger)
    {
        var random = new Random(seed);
        var taken = new HashSet<int>();
        var resolved = digits.Select(d => d.Resolve(library, invert, random, taken, picture => DigitLog.LooksInverted(logger, picture))).ToArray();
        return new IndexedImages(resolved.Length, i => resolved[i].Pixels, resolved.Select(d => d.Label is { } label ? label : (int)EmbeddingPlot.Unlabelled).ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Count} images ({What}) with {Model}: {Embeddings} [{Rows}, {Width}] float32, {Labels} and {Picture}")]
    private static partial void LogWritten(ILogger logger, int count, string what, string model, string embeddings, int rows, int width, string labels, string picture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Picture files have no label: labels.npy holds {Unlabelled} for them")]
    private static partial void LogUnlabelled(ILogger logger, byte unlabelled);
}
