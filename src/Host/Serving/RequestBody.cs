using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Siamese.Host.Serving;

/// <summary>A request body read whole into memory, never past a cap: what the API's parsers read.</summary>
internal static class RequestBody
{
    /// <summary>
    /// Reads the whole body (at most <paramref name="maxBytes"/>, else 413) and runs <paramref name="read"/> on it before
    /// its buffers are released.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, long maxBytes, Func<ReadOnlySequence<byte>, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(read);
        if (request.ContentLength > maxBytes)
        {
            throw ApiProblem.TooLarge($"The request body is {request.ContentLength} bytes; at most {maxBytes} are accepted (Serve:MaxRequestBodyBytes).");
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                throw ApiProblem.TooLarge($"The request body is longer than {maxBytes} bytes, the most accepted (Serve:MaxRequestBodyBytes).");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                try
                {
                    return read(buffer);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            // Nothing consumed, everything examined: the next read returns the same bytes and more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
