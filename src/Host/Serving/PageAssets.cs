using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Siamese.Host.Serving;

/// <summary>
/// The page's files, embedded in the assembly (<c>Serving/Page</c>) and served from memory: nothing is fetched from
/// the internet and no request names a file on disk. Each carries an ETag, so a reload costs a 304.
/// </summary>
internal sealed class PageAssets
{
    private const string Prefix = "page/";

    private readonly Dictionary<string, Asset> _assets;

    private PageAssets(Dictionary<string, Asset> assets) => _assets = assets;

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    /// <summary>The names served, e.g. <c>index.html</c>, <c>app.js</c>.</summary>
    public IEnumerable<string> Names => _assets.Keys;

    public static PageAssets Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[Prefix.Length..];
            assets[name] = new Asset(content, ContentType(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return new PageAssets(assets);
    }

    /// <summary>Writes the asset called <paramref name="name"/>, or 404 when there is none.</summary>
    public Task WriteAsync(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_assets.TryGetValue(name, out var asset))
        {
            throw ApiProblem.NotFound($"There is no page file '{name}'.");
        }

        var response = context.Response;
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
