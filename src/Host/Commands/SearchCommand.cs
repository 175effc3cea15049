using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Plots;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>search &lt;query&gt; --model ...</c>: the k gallery images the model finds most similar to a digit, printed one per
/// line and drawn in one row after the query.
/// </summary>
internal static partial class SearchCommand
{
    private static readonly Argument<string> QueryArgument = CommonOptions.Digit("query");

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<int> KOption = new("--k")
    {
        Description = "How many gallery images to return.",
        DefaultValueFactory = _ => 8,
    };

    private static readonly Option<string> GalleryOption = DigitSource.SplitOption("--gallery", "The MNIST split searched, in file order.");

    private static readonly Option<string?> OutputOption = CommonOptions.Output("A .png file, or a folder for search-<query>.png (default: runs/pictures).");

    private static readonly Option<bool> InvertOption = CommonOptions.Invert();

    private static readonly Option<int> SeedOption = CommonOptions.Seed("Seed for a digit:<d> query.", 1);

    public static Verb Create(ProductHost product) => new(
        new Command("search", "Print the k gallery images the model finds most similar to a digit (index, label, similarity) and draw them in a row after it.")
        {
            QueryArgument, ModelOption, KOption, GalleryOption, OutputOption, InvertOption, SeedOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    /// <summary>Most results: each is drawn in the row picture.</summary>
    private const int MaxK = 100;

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        int k = parsed.GetValue(KOption);
        if (k is < 1 or > MaxK)
        {
            throw new UserInputException($"--k must be between 1 and {MaxK} (got {k}).");
        }

        var source = DigitSource.Parse(parsed.GetValue(QueryArgument)!);
        var gallery = parsed.GetValue(GalleryOption)!;
        var model = CommonOptions.ResolveDigitModel(parsed.GetValue(ModelOption)!, "search");

        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), ShowCommand.DefaultFolder, $"search-{source.Slug}.png");
        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<DigitSource>();
        var library = await DigitLibrary.LoadAsync(context, cancellationToken).ConfigureAwait(false);
        var taken = new HashSet<int>();
        var query = source.Resolve(library, parsed.GetValue(InvertOption), new Random(parsed.GetValue(SeedOption)), taken, picture => DigitLog.LooksInverted(logger, picture));
        int self = GalleryIndex(source, gallery, taken);
        var images = library.Images(gallery);
        if (k > images.Count - (self >= 0 ? 1 : 0))
        {
            throw new UserInputException($"--k {k} is more than the {images.Count - (self >= 0 ? 1 : 0)} other images of the {gallery} split.");
        }

        using var scoring = SiameseModel.Load(model.Path);
        var found = new int[k];
        scoring.Rank(Flat(scoring.Embed(query.Pixels)), Embeddings.Compute(scoring, images, cancellationToken), [self], found);
        var results = found.Select(i => images.Image(i).ToArray()).ToArray();

        // The similarities printed are the pairwise ones compare prints, not the ranking's matrix expansion of them.
        var similarities = scoring.Similarities(results.SelectMany(_ => query.Pixels).ToArray(), results.SelectMany(r => r).ToArray());
        LogQuery(logger, query.Description, query.Title, k, gallery, images.Count);
        for (int r = 0; r < k; r++)
        {
            LogResult(logger, r + 1, $"{gallery}:{found[r]}", images.Labels[found[r]], similarities[r]);
        }

        var titles = found.Select((i, r) => string.Create(CultureInfo.InvariantCulture, $"{images.Labels[i]} {similarities[r]:F3}")).Prepend($"query {query.Title}").ToArray();
        var name = source is DigitSource.ImageFile file ? Path.GetFileName(file.Path) : source.Text;
        DigitPictures.SaveRow([query.Pixels, .. results], titles, DigitImage.Side, k == 1 ? $"The {gallery} image most similar to {name}" : $"The {k} {gallery} images most similar to {name}", png);
        LogDrawn(logger, png);
        return ExitCode.Success;
    }

    /// <summary>The query's index in the gallery when it is one of its images (excluded from the results), else −1.</summary>
    private static int GalleryIndex(DigitSource source, string gallery, HashSet<int> taken) => source switch
    {
        DigitSource.Indexed indexed when indexed.Split == gallery => indexed.Index,
        DigitSource.RandomOfDigit when gallery == DigitSource.TestSplit => taken.Single(),
        _ => -1,
    };

    private static float[] Flat(float[,] rows) => [.. rows.Cast<float>()];

    [LoggerMessage(Level = LogLevel.Information, Message = "{Query} (label {Label}): the {K} most similar of {Count} {Gallery} images")]
    private static partial void LogQuery(ILogger logger, string query, string label, int k, string gallery, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rank,3}. {Image} label {Label} similarity {Similarity:F3}")]
    private static partial void LogResult(ILogger logger, int rank, string image, int label, float similarity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drawn in {Picture}")]
    private static partial void LogDrawn(ILogger logger, string picture);
}
