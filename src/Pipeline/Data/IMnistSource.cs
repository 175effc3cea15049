namespace Siamese.Pipeline.Data;

/// <summary>
/// A place MNIST can be fetched from. <see cref="FetchAsync"/> writes only verified, complete files into the
/// target folder (temporary names under <see cref="MnistFiles.TemporaryPrefix"/>, checksum, then rename) and
/// throws with a one-line reason when it cannot.
/// </summary>
public interface IMnistSource
{
    string Name { get; }

    Task FetchAsync(string targetDirectory, CancellationToken cancellationToken);
}
