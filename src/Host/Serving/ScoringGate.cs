namespace Siamese.Host.Serving;

/// <summary>
/// The point every API request passes, holding its concurrency permit, just before it is scored. In the product it
/// never waits; the API tests replace it to hold requests there, so that "too many requests at once" and "too slow"
/// are reached by events they control rather than by timing.
/// </summary>
internal class ScoringGate
{
    public virtual ValueTask EnterAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
