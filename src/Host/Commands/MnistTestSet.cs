using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>The MNIST test set in file order (test:123 means its 124th image), from where the Data section says.</summary>
internal static class MnistTestSet
{
    /// <summary>Loads it, fetching MNIST first when Data:Directory lacks it (as <see cref="DataService"/> does).</summary>
    public static async Task<LabeledImages> LoadAsync(DataOptions options, MnistFetcher fetcher, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.File))
        {
            var file = Path.GetFullPath(options.File);
            return (MnistLoader.TryLoad(file) ?? throw new DataUnavailableException(file, [$"Data:File '{file}' is neither an .npz file nor a folder holding MNIST"])).Test;
        }

        var directory = Path.GetFullPath(options.Directory);
        await fetcher.EnsureAsync(directory, cancellationToken).ConfigureAwait(false);
        return (MnistLoader.TryLoad(directory) ?? throw new DataUnavailableException(directory, ["the folder is incomplete after fetching"])).Test;
    }
}
