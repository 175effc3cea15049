using System.Security.Cryptography;

namespace Siamese.Pipeline.Data;

/// <summary>Writes a stream to a temporary file beside the target, checks its SHA-256, then renames it into place.</summary>
internal static class VerifiedFile
{
    public static async Task WriteAsync(Stream content, string targetPath, string expectedSha256, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(targetPath))!;
        var temporary = Path.Combine(directory, $"{MnistFiles.TemporaryPrefix}{Guid.NewGuid():N}-{Path.GetFileName(targetPath)}");
        try
        {
            string actual;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFormatException(targetPath, $"SHA-256 mismatch: got {actual}, expected {expectedSha256}; nothing was kept");
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
