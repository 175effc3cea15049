using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Plots;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary><c>show test:123</c>: one digit with its label as the title, like the tutorial's first figure.</summary>
public sealed partial class ShowCommand
{
    public const string DefaultFolder = "runs/pictures";

    private static readonly Argument<string> DigitArgument = new("digit")
    {
        Description = "test:<index> (MNIST test set, file order), digit:<0-9> (a seeded sample) or a PNG/JPEG file.",
    };

    private static readonly Option<string?> OutputOption = new("--output")
    {
        Description = "A .png file, or a folder for show-<digit>.png (default: runs/pictures).",
    };

    private static readonly Option<bool> InvertOption = new("--invert") { Description = "The picture is a dark digit on light paper." };

    private static readonly Option<int> SeedOption = new("--seed") { Description = "Seed for digit:<d> samples.", DefaultValueFactory = _ => 1 };

    private readonly ILogger<ShowCommand> _logger;

    public ShowCommand(ILogger<ShowCommand> logger) => _logger = logger;

    internal static Command Create() => new("show", "Draw one digit with its label as the title (a PNG).") { DigitArgument, OutputOption, InvertOption, SeedOption };

    internal static async Task<int> RunAsync(ParseResult parsed, string[] overrides)
    {
        var source = DigitSource.Parse(parsed.GetValue(DigitArgument)!);
        var png = ArgumentPaths.OutputPng(parsed.GetValue(OutputOption), DefaultFolder, $"show-{source.Slug}.png");
        using var host = ProductHost.Build(ProductHost.CreateBuilder(overrides));
        var services = host.Services;
        var test = source.NeedsTestSet
            ? (await services.GetRequiredService<DataService>().LoadDatasetAsync(CancellationToken.None).ConfigureAwait(false)).Test
            : null;
        var command = ActivatorUtilities.CreateInstance<ShowCommand>(services);
        var digit = source.Resolve(test, parsed.GetValue(InvertOption), new Random(parsed.GetValue(SeedOption)), new HashSet<int>(), command.LogLooksInverted);
        DigitPictures.SaveSingle(digit.Pixels, DigitImage.Side, digit.Title, png);
        command.LogShown(digit.Description, digit.Title, png);
        return ExitCode.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Digit} (label {Label}) drawn in {Picture}")]
    private partial void LogShown(string digit, string label, string picture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Picture} has a light background: if it is a dark digit on paper, add --invert")]
    internal partial void LogLooksInverted(string picture);
}
