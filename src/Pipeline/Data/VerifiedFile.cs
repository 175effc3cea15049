using System.Security.Cryptography;

namespace Siamese.Pipeline.Data;

/// <summary>Writes a stream to a temporary file beside the target, checks its hash (SHA-256 unless told otherwise), then renames it into place.</summary>
internal static class VerifiedFile
{
    public static Task WriteAsync(Stream content, string targetPath, string expectedSha256, CancellationToken cancellationToken) =>
        WriteAsync(content, targetPath, expectedSha256, HashAlgorithmName.SHA256, long.MaxValue, cancellationToken);

    /// <param name="maxBytes">More than this is refused while it is read, before the hash is checked.</param>
    public static async Task WriteAsync(Stream content, string targetPath, string expected, HashAlgorithmName algorithm, long maxBytes, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(targetPath))!;
        var temporary = Path.Combine(directory, $"{MnistFiles.TemporaryPrefix}{Guid.NewGuid():N}-{Path.GetFileName(targetPath)}");
        try
        {
            string actual;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(algorithm);
                var buffer = new byte[1 << 16];
                int read;
                long total = 0;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new DataFormatException(targetPath, $"is longer than the {maxBytes:N0} bytes expected; nothing was kept");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                string name = algorithm == HashAlgorithmName.SHA256 ? "SHA-256" : algorithm.Name!;
                throw new DataFormatException(targetPath, $"{name} mismatch: got {actual}, expected {expected}; nothing was kept");
            }

            File.Move(temporary, targetPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Removes temporary files and folders left by a fetch that was killed.</summary>
    public static void RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, MnistFiles.TemporaryPrefix + "*"))
        {
            File.Delete(file);
        }

        foreach (var folder in Directory.EnumerateDirectories(directory, MnistFiles.TemporaryPrefix + "*"))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
