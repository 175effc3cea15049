using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Plots;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary><c>compare &lt;a&gt; &lt;b&gt; --model ...</c>: the similarity of two digits, and the tutorial's side-by-side picture.</summary>
internal static partial class CompareCommand
{
    private static readonly Argument<string> FirstArgument = CommonOptions.Digit("a");

    private static readonly Argument<string> SecondArgument = new("b") { Description = "The other digit, in the same forms." };

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string?> OutputOption = CommonOptions.Output("A .png file, or a folder for compare-<a>-<b>.png (default: runs/pictures).");

    private static readonly Option<bool> InvertOption = CommonOptions.Invert();

    private static readonly Option<int> SeedOption = CommonOptions.Seed("Seed for digit:<d> samples.", 1);

    public static Verb Create(ProductHost product) => new(
        new Command("compare", "Print the model's similarity of two digits and draw them side by side, titled \"8 v.s 8 , similarity : 0.986\".")
        {
            FirstArgument, SecondArgument, ModelOption, OutputOption, InvertOption, SeedOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    /// <summary>The tutorial's title: labels ("?" for a picture file) and the similarity to three decimals.</summary>
    public static string Title(Digit a, Digit b, float similarity) =>
        string.Create(CultureInfo.InvariantCulture, $"{a.Title} v.s {b.Title} , similarity : {similarity:F3}");

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var first = DigitSource.Parse(parsed.GetValue(FirstArgument)!);
        var second = DigitSource.Parse(parsed.GetValue(SecondArgument)!);
        var model = CommonOptions.ResolveDigitModel(parsed.GetValue(ModelOption)!, "compare");
        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), ShowCommand.DefaultFolder, $"compare-{first.Slug}-{second.Slug}.png");

        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<DigitSource>();
        var library = first.NeedsData || second.NeedsData ? await DigitLibrary.LoadAsync(context, cancellationToken).ConfigureAwait(false) : null;
        bool invert = parsed.GetValue(InvertOption);
        var random = new Random(parsed.GetValue(SeedOption));
        var taken = new HashSet<int>();
        var a = first.Resolve(library, invert, random, taken, picture => DigitLog.LooksInverted(logger, picture));
        var b = second.Resolve(library, invert, random, taken, picture => DigitLog.LooksInverted(logger, picture));

        float similarity;
        using (var scoring = SiameseModel.Load(model.Path))
        {
            similarity = scoring.Similarity(a.Pixels, b.Pixels);
        }

        var title = Title(a, b, similarity);
        DigitPictures.SavePair(a.Pixels, b.Pixels, DigitImage.Side, title, png);
        LogSimilarity(logger, a.Description, b.Description, similarity, title, png);
        return ExitCode.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Similarity of {First} and {Second}: {Similarity:F3} (\"{Title}\", drawn in {Picture})")]
    private static partial void LogSimilarity(ILogger logger, string first, string second, float similarity, string title, string picture);
}
