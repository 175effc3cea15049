using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Siamese.Host.Configuration;
using Siamese.Host.Imaging;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Serving;

/// <summary>
/// The images of one API request, as the raw 0–255 pixels the model takes: from a JSON body of pixel arrays (see
/// <see cref="PixelJson"/>), or from a <c>multipart/form-data</c> upload of PNG/JPEG pictures, one file part per image,
/// each made MNIST-like as <c>compare</c> makes a picture file.
/// </summary>
internal sealed class RequestImages
{
    private readonly Dictionary<string, List<byte[]>> _fields;

    private RequestImages(Dictionary<string, List<byte[]>> fields, bool uploaded)
    {
        _fields = fields;
        Uploaded = uploaded;
    }

    /// <summary>The images came as picture files (and were made MNIST-like): responses show what the model was given.</summary>
    public bool Uploaded { get; }

    public byte[] One(string field) => _fields[field][0];

    public IReadOnlyList<byte[]> Many(string field) => _fields[field];

    /// <summary>The images of <paramref name="field"/> one after another, as the model's batch calls take them.</summary>
    public byte[] Concatenated(string field) => [.. _fields[field].SelectMany(image => image)];

    /// <param name="pictures">How an uploaded picture becomes the model's input.</param>
    /// <param name="invert">Uploads: dark digits on light paper (true), light on dark (false), or decided per picture from its border (null).</param>
    public static async Task<RequestImages> ReadAsync(HttpContext context, IReadOnlyList<ImageField> fields, ServeOptions limits, ModelPicture pictures, bool? invert)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(limits);
        var request = context.Request;
        var contentType = request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw ApiProblem.UnsupportedMediaType("Send the images as application/json (pixel arrays) or multipart/form-data (PNG/JPEG files): the request has no usable Content-Type.");
        }

        if (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = await RequestBody.ReadAsync(request, limits.MaxRequestBodyBytes, body => PixelJson.Parse(body, fields, pictures.InputSize, limits.MaxImagesPerRequest), context.RequestAborted).ConfigureAwait(false);
            return new RequestImages(parsed, uploaded: false);
        }

        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            {
                throw ApiProblem.BadRequest("The multipart/form-data Content-Type has no usable boundary.");
            }

            var body = await RequestBody.ReadAsync(request, limits.MaxRequestBodyBytes, sequence => sequence.ToArray(), context.RequestAborted).ConfigureAwait(false);
            var files = await ReadPartsAsync(body, boundary, fields, limits, context.RequestAborted).ConfigureAwait(false);
            var images = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
            foreach (var (name, parts) in files)
            {
                images[name] = [.. parts.Select((bytes, i) => Normalised(bytes, parts.Count == 1 ? $"'{name}'" : $"'{name}' #{i + 1}", invert, limits.MaxImageSide, pictures))];
            }

            return new RequestImages(images, uploaded: true);
        }

        throw ApiProblem.UnsupportedMediaType($"Content-Type {mediaType.MediaType} is not accepted: send application/json (pixel arrays) or multipart/form-data (PNG/JPEG files).");
    }

    private static async Task<Dictionary<string, List<byte[]>>> ReadPartsAsync(byte[] body, string boundary, IReadOnlyList<ImageField> fields, ServeOptions limits, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false)) { BodyLengthLimit = limits.MaxImageBytes, HeadersCountLimit = 8, HeadersLengthLimit = 4096 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw ApiProblem.BadRequest("Every part of the upload needs a Content-Disposition of form-data with a field name.");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var field = fields.FirstOrDefault(f => f.Name == name)
                    ?? throw ApiProblem.BadRequest($"Unknown part '{name}': the upload holds {string.Join(" and ", fields.Select(f => f.Many ? $"'{f.Name}' (one or more picture files)" : $"'{f.Name}' (a picture file)"))}.");
                if (!files.TryGetValue(name, out var parts))
                {
                    files[name] = parts = [];
                }

                if (parts.Count == (field.Many ? limits.MaxImagesPerRequest : 1))
                {
                    throw ApiProblem.BadRequest(field.Many
                        ? $"Part '{name}' is given more than {limits.MaxImagesPerRequest} times, the most one request may send (Serve:MaxImagesPerRequest)."
                        : $"Part '{name}' is given twice.");
                }

                using var bytes = new MemoryStream();
                await section.Body.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
                parts.Add(bytes.ToArray());
            }
        }
        catch (InvalidDataException e) when (e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblem.TooLarge($"An uploaded picture is over {limits.MaxImageBytes} bytes, the most accepted (Serve:MaxImageBytes).");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw ApiProblem.BadRequest($"The multipart/form-data body cannot be read: {e.Message}");
        }

        foreach (var field in fields.Where(f => !files.ContainsKey(f.Name)))
        {
            throw ApiProblem.BadRequest($"Part '{field.Name}' is missing: the upload holds a picture file for each of {string.Join(", ", fields.Select(f => $"'{f.Name}'"))}.");
        }

        return files;
    }

    /// <summary>An uploaded picture prepared as the model's pictures are (<see cref="ModelPicture"/>); a bad one is a 400 saying why.</summary>
    private static byte[] Normalised(byte[] bytes, string name, bool? invert, int maxSide, ModelPicture pictures)
    {
        try
        {
            return pictures.Prepare(bytes, name, invert, maxSide, "invert=true");
        }
        catch (DataFormatException e)
        {
            throw ApiProblem.BadRequest($"Image {e.FilePath} {e.Problem}.");
        }
    }
}
