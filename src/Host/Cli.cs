using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>
/// The command line: verbs, each on the shared host. Tokens the verbs do not define are configuration
/// overrides in the standard .NET form (<c>--Section:Key=value</c>); anything else is refused.
/// </summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Siamese MNIST trainer: learns whether two handwritten digits are the same digit. With no command it trains.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, token) => Guarded(result, TrainAsync));

        var train = new Command("train", "Train with the configured recipe (the default when no command is given).") { TreatUnmatchedTokensAsErrors = false };
        train.SetAction((result, token) => Guarded(result, TrainAsync));
        root.Subcommands.Add(train);

        var fetch = new Command("fetch-data", "Make sure MNIST is in Data:Directory (fetching and verifying it when missing), then print the split sizes.") { TreatUnmatchedTokensAsErrors = false };
        fetch.SetAction((result, token) => Guarded(result, FetchAsync));
        root.Subcommands.Add(fetch);

        AddVerb(root, Commands.EvaluateCommand.Create(), Commands.EvaluateCommand.RunAsync);
        AddVerb(root, Commands.CompareCommand.Create(), Commands.CompareCommand.RunAsync);
        AddVerb(root, Commands.CompareRunsCommand.Create(), Commands.CompareRunsCommand.RunAsync);
        AddVerb(root, Commands.PreviewAugmentationCommand.Create(), Commands.PreviewAugmentationCommand.RunAsync);
        AddVerb(root, Commands.ShowCommand.Create(), Commands.ShowCommand.RunAsync);

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>A verb whose own arguments and options are parsed by System.CommandLine; other tokens are configuration overrides.</summary>
    private static void AddVerb(RootCommand root, Command command, Func<ParseResult, string[], Task<int>> run)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, token) => Guarded(result, overrides => run(result, overrides)));
        root.Subcommands.Add(command);
    }

    private static async Task<int> Guarded(ParseResult result, Func<string[], Task<int>> action)
    {
        var overrides = result.UnmatchedTokens.ToArray();
        var stray = overrides.FirstOrDefault(t => !t.StartsWith("--", StringComparison.Ordinal) && !t.Contains('=', StringComparison.Ordinal) && !IsValueOfPrevious(overrides, t));
        if (stray is not null)
        {
            Log.Fatal("Unknown command or argument '{Token}'. Run with --help for the commands; configuration overrides look like --Training:Epochs=5", stray);
            return ExitCode.BadInput;
        }

        try
        {
            return await action(overrides).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                Log.Fatal("Configuration error: {Problem}", failure);
            }

            return ExitCode.BadInput;
        }
        catch (InvalidDataException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            Log.Fatal("Configuration error: {Problem} {Detail}", e.Message, e.GetBaseException().Message);
            return ExitCode.BadInput;
        }
        catch (Exception e) when (e is DataFormatException or DataUnavailableException or RunDirectoryException or CheckpointException or UserInputException)
        {
            Log.Fatal("{Problem}", e.Message);
            return ExitCode.BadInput;
        }
        catch (Exception e)
        {
            Log.Fatal(e, "Failed");
            return ExitCode.Failure;
        }
    }

    /// <summary>"--Key value" form: the value token follows a "--Key" token without '='.</summary>
    private static bool IsValueOfPrevious(string[] tokens, string token)
    {
        int i = Array.IndexOf(tokens, token);
        return i > 0 && tokens[i - 1].StartsWith("--", StringComparison.Ordinal) && !tokens[i - 1].Contains('=', StringComparison.Ordinal);
    }

    private static async Task<int> TrainAsync(string[] overrides)
    {
        var builder = ProductHost.CreateBuilder(overrides);
        builder.Services.AddHostedService<TrainingWorker>();
        using var host = ProductHost.Build(builder);
        var exitCode = host.Services.GetRequiredService<ExitCode>();
        await host.RunAsync().ConfigureAwait(false);
        return exitCode.Value;
    }

    private static async Task<int> FetchAsync(string[] overrides)
    {
        using var host = ProductHost.Build(ProductHost.CreateBuilder(overrides));
        await host.Services.GetRequiredService<DataService>().LoadAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCode.Success;
    }
}

/// <summary>A command's argument is unusable (missing file, not an image, ...); the message says which and why.</summary>
public sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
