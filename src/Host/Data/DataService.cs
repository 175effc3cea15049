using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Data;

/// <summary>Makes sure MNIST is on disk (fetching it when missing), loads it and splits it per digit.</summary>
internal sealed partial class DataService
{
    private readonly DataOptions _options;
    private readonly MnistFetcher _fetcher;
    private readonly ILogger<DataService> _logger;

    public DataService(IOptions<DataOptions> options, MnistFetcher fetcher, ILogger<DataService> logger)
    {
        _options = options.Value;
        _fetcher = fetcher;
        _logger = logger;
    }

    /// <summary>The dataset as stored (test set in file order), from Data:File, or from Data:Directory after fetching it when missing.</summary>
    public async Task<MnistDataset> LoadDatasetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_options.File))
        {
            var path = Path.GetFullPath(_options.File);
            return await Load(path, cancellationToken).ConfigureAwait(false)
                ?? throw new DataUnavailableException(path, [$"Data:File '{path}' is neither an .npz file nor a folder holding MNIST"]);
        }

        var directory = Path.GetFullPath(_options.Directory);
        await _fetcher.EnsureAsync(directory, cancellationToken).ConfigureAwait(false);
        return await Load(directory, cancellationToken).ConfigureAwait(false)
            ?? throw new DataUnavailableException(directory, ["the folder is incomplete after fetching"]);
    }

    /// <summary>
    /// Reads the files off the calling thread and stops waiting when interrupted: a read cannot be cancelled, and a
    /// slow device must not hold the process (the reader bounds what it reads by the sizes the headers promise).
    /// </summary>
    private static Task<MnistDataset?> Load(string path, CancellationToken cancellationToken)
    {
        FailPoint.Reach("load", cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => MnistLoader.TryLoad(path), cancellationToken).WaitAsync(cancellationToken);
    }

    /// <summary>Loads the dataset, splits it per digit and logs the sizes.</summary>
    public async Task<DatasetSplit> LoadAsync(CancellationToken cancellationToken)
    {
        var data = await LoadDatasetAsync(cancellationToken).ConfigureAwait(false);
        LogLoaded(data.Source, data.Train.Count, data.Test.Count, data.Train.Rows, data.Train.Columns);
        cancellationToken.ThrowIfCancellationRequested();
        var split = DatasetSplit.Create(data, _options.ValidationFraction, _options.SplitSeed);
        LogSplit("train", Total(split.Train), Counts(split.Train));
        LogSplit("validation", Total(split.Validation), Counts(split.Validation));
        LogSplit("test", Total(split.Test), Counts(split.Test));
        return split;
    }

    private static int Total(IReadOnlyList<ImageClass> sets) => sets.Sum(s => s.Count);

    private static string Counts(IReadOnlyList<ImageClass> sets) => string.Join(' ', sets.Select(s => $"{s.Label}:{s.Count}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded MNIST from {Source}: {TrainCount} training and {TestCount} test images of {Rows}x{Columns}")]
    private partial void LogLoaded(string source, int trainCount, int testCount, int rows, int columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Split {Split}: {Count} images, per digit {PerDigit}")]
    private partial void LogSplit(string split, int count, string perDigit);
}
