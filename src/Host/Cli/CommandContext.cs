using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;
using Siamese.Host.Data;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Cli;

/// <summary>
/// What a verb runs with: its host, built from the command line's configuration overrides (validated options, services,
/// Serilog), and shortcuts to its options, the data and a logger.
/// </summary>
internal sealed class CommandContext : IDisposable
{
    private CommandContext(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>Builds and validates the verb's host; <paramref name="configure"/> adds what only this verb needs (a hosted worker, its own settings).</summary>
    public static CommandContext Create(ProductHost product, string[] overrides, Action<HostApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        var builder = product.CreateBuilder(overrides);
        configure?.Invoke(builder);
        return new CommandContext(ProductHost.Build(builder));
    }

    public T Options<T>()
        where T : class => Services.GetRequiredService<IOptions<T>>().Value;

    public ILogger Logger<T>() => Services.GetRequiredService<ILogger<T>>();

    /// <summary>The dataset as stored (test set in file order), fetched first when missing.</summary>
    public Task<MnistDataset> LoadDatasetAsync(CancellationToken cancellationToken) =>
        Services.GetRequiredService<DataService>().LoadDatasetAsync(cancellationToken);

    /// <summary>The dataset split into train, validation and test per digit, sizes logged.</summary>
    public Task<DatasetSplit> LoadSplitAsync(CancellationToken cancellationToken) =>
        Services.GetRequiredService<DataService>().LoadAsync(cancellationToken);

    public void Dispose() => Host.Dispose();
}
