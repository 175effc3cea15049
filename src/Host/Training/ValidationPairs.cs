using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// The fixed validation batches in one contiguous buffer, so each epoch validates in one call. The loss is the
/// mean over all pairs, which equals Keras's mean of per-batch means since every batch has the same size.
/// </summary>
internal sealed class ValidationPairs
{
    private readonly float[] _left;
    private readonly float[] _right;
    private readonly float[] _labels;

    private ValidationPairs(float[] left, float[] right, float[] labels)
    {
        _left = left;
        _right = right;
        _labels = labels;
    }

    /// <summary>The first <paramref name="steps"/> batches of epoch <paramref name="epoch"/>'s validation stream (<c>Pipeline:Validation</c>).</summary>
    public static async Task<ValidationPairs> TakeAsync(IReadOnlyList<ImageClass> classes, PipelineOptions options, int steps, int epoch, CancellationToken cancellationToken) =>
        From(await PairStream.TakeAsync(classes, options, StreamSettings.Validation(options, epoch), steps, cancellationToken).ConfigureAwait(false));

    /// <summary>The left images, one after the other.</summary>
    internal ReadOnlySpan<float> Left => _left;

    public static ValidationPairs From(IReadOnlyList<PairBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        int pairs = batches.Sum(b => b.Count);
        int size = batches.Count == 0 ? 0 : batches[0].ImageSize;
        var left = new float[pairs * size];
        var right = new float[pairs * size];
        var labels = new float[pairs];
        int at = 0;
        foreach (var batch in batches)
        {
            batch.Left.AsSpan(0, batch.Count * size).CopyTo(left.AsSpan(at * size));
            batch.Right.AsSpan(0, batch.Count * size).CopyTo(right.AsSpan(at * size));
            batch.Labels.AsSpan(0, batch.Count).CopyTo(labels.AsSpan(at));
            at += batch.Count;
        }

        return new ValidationPairs(left, right, labels);
    }

    /// <summary>Validation loss and accuracy (NaN without validation steps).</summary>
    public (double Loss, double Accuracy) Evaluate(SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (_labels.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var result = trainer.Evaluate(_left, _right, _labels);
        return (result.Loss, result.Accuracy);
    }
}
