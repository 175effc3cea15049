using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Host.Imaging;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Data;

/// <summary>
/// Loads the data a run learns from, MNIST (fetched when missing) or an image set (<c>Data:Images</c>), and splits it
/// as <c>Data:Split</c> says, logging what each part holds.
/// </summary>
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

    /// <summary>Loads the data, splits it and logs the sizes.</summary>
    public async Task<DatasetSplit> LoadAsync(CancellationToken cancellationToken)
    {
        DatasetSplit split;
        if (!string.IsNullOrWhiteSpace(_options.Images))
        {
            var set = await LoadImageSetAsync(cancellationToken).ConfigureAwait(false);
            split = DatasetSplit.Create(set.Classes, _options.Split, _options.ValidationFraction, _options.TestFraction, _options.SplitSeed);
        }
        else
        {
            var data = await LoadDatasetAsync(cancellationToken).ConfigureAwait(false);
            LogLoaded(data.Source, data.Train.Count, data.Test.Count, data.Train.Rows, data.Train.Columns);
            cancellationToken.ThrowIfCancellationRequested();
            split = _options.Split == SplitKind.Images
                ? DatasetSplit.Create(data, _options.ValidationFraction, _options.SplitSeed)
                : DatasetSplit.ByClass(data, _options.ValidationFraction, _options.TestFraction, _options.SplitSeed);
        }

        if (_options.TurnedClasses)
        {
            split = split.WithTurnedTrainingClasses();
        }

        LogSplit("train", Total(split.Train), Counts(split.Train));
        LogSplit("validation", Total(split.Validation), Counts(split.Validation));
        LogSplit("test", Total(split.Test), Counts(split.Test));
        return split;
    }

    /// <summary>Reads <c>Data:Images</c> (off the calling thread, as the MNIST files are) and logs what it holds and what was left out.</summary>
    public async Task<ImageSet> LoadImageSetAsync(CancellationToken cancellationToken)
    {
        var path = OmniglotSets.Names(_options.Images)
            ? await new OmniglotSets(Environment.CurrentDirectory, new Uri(_options.OmniglotUrl.EndsWith('/') ? _options.OmniglotUrl : _options.OmniglotUrl + "/"), TimeSpan.FromSeconds(_options.OmniglotTimeoutSeconds)).ResolveAsync(_options.Images!, cancellationToken).ConfigureAwait(false)
            : Path.GetFullPath(_options.Images!);
        FailPoint.Reach("load", cancellationToken);
        var set = await Task.Run(() => ImageFolderReader.Read(path, _options.Preparation, PictureFile.ForImageSet(_options.Invert), cancellationToken), cancellationToken)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        int groups = set.Classes.Select(c => c.Group).Distinct().Count();
        LogImageSet(set.Source, set.ImageCount, set.Classes.Count, set.Grouped ? $" in {groups} groups" : string.Empty, _options.ImageSide);
        if (set.SingleImageClasses.Count > 0)
        {
            LogSingles(set.SingleImageClasses.Count, string.Join(", ", set.SingleImageClasses.Take(5)) + (set.SingleImageClasses.Count > 5 ? ", …" : string.Empty));
        }

        if (set.IgnoredFiles > 0)
        {
            LogIgnored(set.IgnoredFiles);
        }

        return set;
    }

    private static int Total(IReadOnlyList<ImageClass> sets) => sets.Sum(s => s.Count);

    /// <summary>Each class's count when there are few classes (MNIST's ten digits), else how many classes and groups.</summary>
    private static string Counts(IReadOnlyList<ImageClass> sets) =>
        sets.Count == 0 ? "no classes"
        : sets.Count <= 12
            ? "per class " + string.Join(' ', sets.Select(s => $"{s.Name}:{s.Count}"))
            : $"{sets.Count} classes" + (sets.Any(s => s.Group is not null) ? $" of {sets.Select(s => s.Group).Distinct().Count()} groups" : string.Empty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded MNIST from {Source}: {TrainCount} training and {TestCount} test images of {Rows}x{Columns}")]
    private partial void LogLoaded(string source, int trainCount, int testCount, int rows, int columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Split {Split}: {Count} images, {Classes}")]
    private partial void LogSplit(string split, int count, string classes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Source}: {Images} pictures of {Classes} classes{Groups}, prepared to {Side}x{Side}")]
    private partial void LogImageSet(string source, int images, int classes, string groups, int side);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left out {Count} classes with a single picture (a Siamese network learns from pairs of one class): {Classes}")]
    private partial void LogSingles(int count, string classes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {Count} files that are not PNG or JPEG pictures")]
    private partial void LogIgnored(int count);
}
