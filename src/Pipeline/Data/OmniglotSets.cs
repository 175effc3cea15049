using System.Security.Cryptography;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Omniglot's sets by name, for <c>Data:Images</c>: <c>omniglot:small1</c> is the minimal background set kept in the
/// repository (<c>datasets/omniglot</c>, verified against its published SHA-256); <c>omniglot:background</c> (30
/// alphabets, 964 characters) and <c>omniglot:evaluation</c> (20 alphabets, 659 characters) are fetched on first use
/// from the Omniglot repository into <c>data/omniglot</c> and verified against the MD5 checksums torchvision publishes
/// for them, the only checksums published (MD5 detects a damaged or different file, not a forged one).
/// </summary>
public sealed class OmniglotSets(string productHome, Uri downloadPrefix, TimeSpan timeout, IReadOnlyDictionary<string, string>? md5 = null)
{
    public const string Prefix = "omniglot:";

    /// <summary>The Omniglot repository's folder of zips.</summary>
    public static readonly Uri DefaultDownloadPrefix = new("https://github.com/brendenlake/omniglot/raw/master/python/");

    /// <summary>The SHA-256 of the minimal background set in the repository, as the Omniglot dataset's README publishes it.</summary>
    public const string Small1Sha256 = "f38eb80f801274ac2b4dff5b24289016bfaba4a7d5bb50deebf27104ad6cb8a4";

    /// <summary>A full set's zip is about 9.5 MB (background) or 6.5 MB (evaluation); more is refused while it downloads.</summary>
    public const long MaxDownloadBytes = 64L << 20;

    private static readonly Dictionary<string, string> PublishedMd5 = new(StringComparer.Ordinal)
    {
        ["images_background"] = "68d2efa1b9178cc56df9314c21c6e718",
        ["images_evaluation"] = "6b91aef0f799c5bb55b94e3f2daec811",
    };

    private readonly IReadOnlyDictionary<string, string> _md5 = md5 ?? PublishedMd5;

    public static bool Names(string? images) => images?.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The zip <paramref name="images"/> (<c>omniglot:&lt;set&gt;</c>) names, fetched first when it is a full set not yet on disk.</summary>
    /// <exception cref="DataFormatException">An unknown set, a bad repository copy, a set that cannot be fetched, or a download that fails its checksum; nothing is kept.</exception>
    public async Task<string> ResolveAsync(string images, CancellationToken cancellationToken)
    {
        var set = images[Prefix.Length..].ToLowerInvariant();
        if (set == "small1")
        {
            var copy = Path.Combine(productHome, "datasets", "omniglot", "images_background_small1.zip");
            await Verify(copy, Small1Sha256, HashAlgorithmName.SHA256, cancellationToken).ConfigureAwait(false);
            return copy;
        }

        var name = set switch
        {
            "background" => "images_background",
            "evaluation" => "images_evaluation",
            _ => throw new DataFormatException(images, "is not an Omniglot set: omniglot:small1, omniglot:background or omniglot:evaluation"),
        };
        var folder = Path.Combine(productHome, "data", "omniglot");
        var target = Path.Combine(folder, name + ".zip");
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(folder);
        VerifiedFile.RemoveLeftovers(folder);
        var uri = new Uri(downloadPrefix, name + ".zip");
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var client = new HttpClient();
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using var content = await response.Content.ReadAsStreamAsync(timeoutSource.Token).ConfigureAwait(false);
            await VerifiedFile.WriteAsync(content, target, _md5[name], HashAlgorithmName.MD5, MaxDownloadBytes, timeoutSource.Token).ConfigureAwait(false);
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DataFormatException(images, $"could not be fetched from {uri} ({(e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : e.Message)}); put {name}.zip in {folder} by hand, or use omniglot:small1");
        }
    }

    private static async Task Verify(string path, string expected, HashAlgorithmName algorithm, CancellationToken cancellationToken)
    {
        if (RegularFile.Problem(path) is { } problem)
        {
            throw new DataFormatException(path, problem);
        }

        await using var file = File.OpenRead(path);
        using var hash = IncrementalHash.CreateHash(algorithm);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != expected)
        {
            throw new DataFormatException(path, $"{algorithm.Name} mismatch: got {actual}, expected {expected}");
        }
    }
}
