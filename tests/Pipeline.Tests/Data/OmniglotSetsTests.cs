using System.Net;
using System.Security.Cryptography;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>Omniglot's sets by name: the repository's verified copy, and a full set fetched once over HTTP and checked.</summary>
public sealed class OmniglotSetsTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("omniglot-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Siamese.sln not found");
    }

    /// <summary>Serves <paramref name="body"/> at /images_background.zip on a loopback port; returns the folder's URL.</summary>
    private static (HttpListener Listener, Uri Prefix) Serve(byte[] body)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20_000, 60_000);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
                continue;
            }

            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    var context = await listener.GetContextAsync();
                    context.Response.StatusCode = context.Request.Url!.AbsolutePath == "/images_background.zip" ? 200 : 404;
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
            return (listener, new Uri($"http://127.0.0.1:{port}/"));
        }
    }

    [Fact]
    public async Task ResolveAsync_Small1_IsTheRepositorysVerifiedCopy()
    {
        var sets = new OmniglotSets(RepositoryRoot(), OmniglotSets.DefaultDownloadPrefix, TimeSpan.FromSeconds(1));

        var path = await sets.ResolveAsync("omniglot:small1", CancellationToken.None);

        Assert.Equal(Path.Combine(RepositoryRoot(), "datasets", "omniglot", "images_background_small1.zip"), path);
    }

    [Fact]
    public async Task ResolveAsync_FullSetMissing_FetchedOnceVerifiedAndKept()
    {
        var body = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "datasets", "omniglot", "images_background_small1.zip"));
        var (listener, prefix) = Serve(body);
        using var _ = listener;
        var md5 = new Dictionary<string, string> { ["images_background"] = Convert.ToHexStringLower(MD5.HashData(body)), ["images_evaluation"] = "0" };
        var sets = new OmniglotSets(_home, prefix, TimeSpan.FromSeconds(30), md5);

        var path = await sets.ResolveAsync("omniglot:background", CancellationToken.None);
        listener.Stop();
        var again = await sets.ResolveAsync("omniglot:Background", CancellationToken.None);

        Assert.Equal(Path.Combine(_home, "data", "omniglot", "images_background.zip"), path);
        Assert.Equal(path, again);
        Assert.Equal(body, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ResolveAsync_DownloadFailingItsChecksum_RefusedKeepingNothing()
    {
        var (listener, prefix) = Serve([1, 2, 3]);
        using var _ = listener;
        var sets = new OmniglotSets(_home, prefix, TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => sets.ResolveAsync("omniglot:background", CancellationToken.None));

        Assert.Contains("MD5 mismatch", e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_home, "data", "omniglot")));
    }

    [Fact]
    public async Task ResolveAsync_UnknownSetOrNoServer_OneLineNamingIt()
    {
        var sets = new OmniglotSets(_home, new Uri("http://127.0.0.1:9/"), TimeSpan.FromSeconds(5));

        var unknown = await Assert.ThrowsAsync<DataFormatException>(() => sets.ResolveAsync("omniglot:small3", CancellationToken.None));
        var unreachable = await Assert.ThrowsAsync<DataFormatException>(() => sets.ResolveAsync("omniglot:evaluation", CancellationToken.None));

        Assert.Contains("omniglot:small1, omniglot:background or omniglot:evaluation", unknown.Message);
        Assert.Contains("could not be fetched from http://127.0.0.1:9/images_evaluation.zip", unreachable.Message);
    }
}
