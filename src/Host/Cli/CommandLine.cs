using System.CommandLine;
using Serilog;
using Serilog.Extensions.Logging;
using Siamese.Host.Configuration;

namespace Siamese.Host.Cli;

/// <summary>
/// The command line: the verbs (the first is the default when none is named), each run on the product's host. Tokens
/// a verb does not define are configuration overrides in the standard .NET form (<c>--Section:Key=value</c> or
/// <c>--Section:Key value</c>); anything else is refused with exit code 2, suggesting the closest known option.
/// </summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<Verb> verbs, ProductHost product)
    {
        ArgumentNullException.ThrowIfNull(verbs);
        using var interruption = Interruption.Listen();
        var root = new RootCommand("Siamese MNIST trainer: learns whether two handwritten digits are the same digit. With no command it trains.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => Guarded(result, verbs[0], product, interruption.Token));
        root.Description += $" The default verb is '{verbs[0].Command.Name}'.";
        foreach (var verb in verbs)
        {
            verb.Command.TreatUnmatchedTokensAsErrors = false;
            verb.Command.SetAction((result, _) => Guarded(result, verb, product, interruption.Token));
            root.Subcommands.Add(verb.Command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Log.Fatal("{Problem}. Run with --help for the commands and their options", error.Message.TrimEnd('.'));
            }

            return ExitCode.BadInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    private static async Task<int> Guarded(ParseResult result, Verb verb, ProductHost product, CancellationToken cancellationToken)
    {
        using var loggers = new SerilogLoggerFactory();
        var logger = loggers.CreateLogger("Siamese");
        try
        {
            var overrides = Overrides(result, product);
            int code = await verb.Run(result, overrides, cancellationToken).ConfigureAwait(false);

            // A verb that finished while a signal arrived has done its work; one that was interrupted says 130.
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCode.Report(logger, new OperationCanceledException(cancellationToken));
        }
        catch (Exception e)
        {
            return ExitCode.Report(logger, e);
        }
    }

    /// <summary>The configuration overrides among the tokens no verb option took; refuses anything that is not one.</summary>
    private static string[] Overrides(ParseResult result, ProductHost product)
    {
        var tokens = result.UnmatchedTokens.ToArray();
        for (int i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            bool isKey = token.StartsWith("--", StringComparison.Ordinal);
            var key = token.TrimStart('-').Split('=', 2)[0];
            if (isKey && key.Contains(':', StringComparison.Ordinal))
            {
                if (!token.Contains('=', StringComparison.Ordinal))
                {
                    i++;   // "--Section:Key value": the next token is the value.
                }

                continue;
            }

            if (!isKey && token.Contains('=', StringComparison.Ordinal) && key.Contains(':', StringComparison.Ordinal))
            {
                continue;   // "Section:Key=value", also accepted by .NET's command-line configuration.
            }

            throw new UserInputException(isKey ? UnknownOption(token, key, result, product) : $"Unknown command or argument '{token}'. Run with --help for the commands; configuration overrides look like --Training:Epochs=5");
        }

        return tokens;
    }

    private static string UnknownOption(string token, string name, ParseResult result, ProductHost product)
    {
        var command = result.CommandResult.Command is RootCommand ? result.RootCommandResult.Command.Subcommands[0] : result.CommandResult.Command;
        var candidates = command.Options.Select(o => o.Name).Concat(product.KnownKeys().Select(k => "--" + k + "=<value>"));
        var suggestion = Suggestions.Closest(name, candidates, candidate => candidate.TrimStart('-').Split('=')[0].Split(':')[^1]);
        var hint = suggestion is null ? string.Empty : $"; did you mean {suggestion}?";
        return $"Unknown option '{token}' for '{command.Name}'{hint}. Configuration overrides look like --Training:Epochs=5; run with --help for the options";
    }
}
