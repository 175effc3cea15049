using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Commands;

/// <summary><c>train</c> (the default verb): the training worker on the product's host, until the run ends or is interrupted.</summary>
internal static class TrainCommand
{
    public static Verb Create(ProductHost product) =>
        new(new Command("train", "Train with the configured recipe (the default when no command is given)."), (parsed, overrides, token) => RunAsync(product, overrides, token));

    /// <param name="cancellationToken">An interruption: the host stops, the worker checkpoints and the result is 130.</param>
    /// <param name="configure">Settings layered over the configuration before the host is built (a compare-runs variant).</param>
    public static async Task<int> RunAsync(ProductHost product, string[] overrides, CancellationToken cancellationToken, Action<HostApplicationBuilder>? configure = null)
    {
        // libtorch's native libraries load while the host starts and the data loads, not before the first step.
        _ = Task.Run(TorchRuntime.WarmUp, cancellationToken);
        using var context = CommandContext.Create(product, overrides, builder =>
        {
            configure?.Invoke(builder);
            product.AddTraining(builder.Services);
        });
        // Resolved before running: RunAsync disposes the host when it stops.
        var outcome = context.Services.GetRequiredService<RunOutcome>();
        cancellationToken.ThrowIfCancellationRequested();
        await context.Host.RunAsync(cancellationToken).ConfigureAwait(false);
        return outcome.ExitCode;
    }
}
