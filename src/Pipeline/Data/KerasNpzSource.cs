namespace Siamese.Pipeline.Data;

/// <summary>Downloads Keras's <c>mnist.npz</c> over HTTP(S) with a short timeout, verifying its SHA-256.</summary>
public sealed class KerasNpzSource : IMnistSource
{
    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly HttpMessageHandler? _handler;

    public KerasNpzSource(Uri url, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        _url = url;
        _timeout = timeout;
        _handler = handler;
    }

    public string Name => DataOptions.KerasSource;

    public async Task FetchAsync(string targetDirectory, CancellationToken cancellationToken)
    {
        using var client = _handler is null ? new HttpClient() : new HttpClient(_handler, disposeHandler: false);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await client.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await VerifiedFile.WriteAsync(body, Path.Combine(targetDirectory, MnistFiles.NpzName), MnistFiles.NpzSha256, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_url} did not answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"{_url}: {e.Message}", e);
        }
    }
}
