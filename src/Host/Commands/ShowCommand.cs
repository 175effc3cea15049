using System.CommandLine;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Plots;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary><c>show test:123</c>: one digit with its label as the title, like the tutorial's first figure.</summary>
internal static partial class ShowCommand
{
    public const string DefaultFolder = "runs/pictures";

    private static readonly Argument<string> DigitArgument = new("digit")
    {
        Description = "test:<index> (MNIST test set, file order), train:<index> or validation:<index> (the training split, file order; train:0 is the tutorial's first figure), digit:<0-9> (a seeded test sample) or a PNG/JPEG file.",
    };

    private static readonly Option<string?> OutputOption = CommonOptions.Output("A .png file, or a folder for show-<digit>.png (default: runs/pictures).");

    private static readonly Option<bool> InvertOption = CommonOptions.Invert("The picture is a dark digit on light paper.");

    private static readonly Option<int> SeedOption = CommonOptions.Seed("Seed for digit:<d> samples.", 1);

    public static Verb Create(ProductHost product) => new(
        new Command("show", "Draw one digit with its label as the title (a PNG).") { DigitArgument, OutputOption, InvertOption, SeedOption },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var source = DigitSource.Parse(parsed.GetValue(DigitArgument)!);
        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), DefaultFolder, $"show-{source.Slug}.png");
        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<DigitSource>();
        var library = source.NeedsData ? await DigitLibrary.LoadAsync(context, cancellationToken).ConfigureAwait(false) : null;
        var digit = source.Resolve(library, parsed.GetValue(InvertOption), new Random(parsed.GetValue(SeedOption)), new HashSet<int>(), picture => DigitLog.LooksInverted(logger, picture));
        DigitPictures.SaveSingle(digit.Pixels, DigitImage.Side, digit.Title, png);
        LogShown(logger, digit.Description, digit.Title, png);
        return ExitCode.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Digit} (label {Label}) drawn in {Picture}")]
    private static partial void LogShown(ILogger logger, string digit, string label, string picture);
}
