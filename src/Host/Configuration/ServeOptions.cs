using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Siamese.Host.Imaging;

namespace Siamese.Host.Configuration;

/// <summary>The <c>Serve</c> section: where <c>serve</c> listens and the limits every request is held to.</summary>
internal sealed class ServeOptions
{
    public const string SectionName = "Serve";

    /// <summary>The port on 127.0.0.1 when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> names an address; 0 picks a free one.</summary>
    [Range(0, 65_535, ErrorMessage = "must be between {1} and {2}")]
    public int Port { get; set; } = 5000;

    /// <summary>Bytes in one request body (a JSON document or a multipart upload); a longer one gets 413.</summary>
    [Range(1024, 1L << 30, ErrorMessage = "must be between {1} and {2} bytes")]
    public long MaxRequestBodyBytes { get; set; } = 8L << 20;

    /// <summary>Bytes in one uploaded picture file.</summary>
    [Range(64, DigitImageFile.MaxFileBytes, ErrorMessage = "must be between {1} and {2} bytes")]
    public long MaxImageBytes { get; set; } = 4L << 20;

    /// <summary>Pixels on a side of an uploaded picture, read from its header before it is decoded.</summary>
    [Range(1, DigitImageFile.MaxSide, ErrorMessage = "must be between {1} and {2}")]
    public int MaxImageSide { get; set; } = 2048;

    /// <summary>Images in one request (<c>/api/embed</c> and <c>/api/map</c> take several).</summary>
    [Range(1, 100_000, ErrorMessage = "must be between {1} and {2}")]
    public int MaxImagesPerRequest { get; set; } = 256;

    /// <summary>Most gallery images one search returns.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between {1} and {2}")]
    public int MaxResults { get; set; } = 100;

    /// <summary>Seconds a request may take, queueing for a permit included; a slower one gets 503.</summary>
    [Range(0.001, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public double RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>API requests scored at once; more wait in the queue.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between {1} and {2}")]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>API requests waiting for a permit; one more gets 429 at once.</summary>
    [Range(0, 100_000, ErrorMessage = "must be between {1} and {2}")]
    public int QueueLimit { get; set; } = 512;

    /// <summary>Most similarity pairs of concurrent requests scored in one model call; 1 scores each pair alone.</summary>
    [Range(1, 4096, ErrorMessage = "must be between {1} and {2}")]
    public int MaxBatchPairs { get; set; } = 64;

    /// <summary>Most images in a gallery folder (<c>serve --gallery &lt;folder&gt;</c>).</summary>
    [Range(1, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int MaxGalleryImages { get; set; } = 100_000;

    /// <summary>The folder whose run folders the page's runs view lists (relative to the product home).</summary>
    [Required(ErrorMessage = "is required")]
    public string Runs { get; set; } = "runs";

    /// <summary>libtorch's intra-op threads while serving: one per call keeps concurrent requests from fighting over cores.</summary>
    [Range(1, 256, ErrorMessage = "must be between {1} and {2}")]
    public int TorchThreads { get; set; } = 1;

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);
}

internal sealed class ServeOptionsValidator : IValidateOptions<ServeOptions>
{
    public ValidateOptionsResult Validate(string? name, ServeOptions options) =>
        options.MaxImageBytes > options.MaxRequestBodyBytes
            ? ValidateOptionsResult.Fail($"Serve:MaxImageBytes ({options.MaxImageBytes}) must not be more than Serve:MaxRequestBodyBytes ({options.MaxRequestBodyBytes}): an upload travels in a request body.")
            : ValidateOptionsResult.Success;
}
