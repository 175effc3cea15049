using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// The validation pairs of each epoch: one fixed set taken before training starts, or with
/// <c>Pipeline:Validation:Fresh</c> new batches every epoch (as Keras's <c>fit_generator</c> with a validation
/// generator), epoch e's always the same so a resumed run validates as an uninterrupted one.
/// </summary>
internal sealed class ValidationSet
{
    private readonly IReadOnlyList<ImageClass> _classes;
    private readonly PipelineOptions _options;
    private readonly int _steps;
    private readonly Task<ValidationPairs>? _fixed;

    private ValidationSet(IReadOnlyList<ImageClass> classes, PipelineOptions options, int steps, Task<ValidationPairs>? fixedPairs)
    {
        _classes = classes;
        _options = options;
        _steps = steps;
        _fixed = fixedPairs;
    }

    /// <summary>Starts taking the fixed set in the background (training starts meanwhile), unless the options ask for fresh pairs each epoch.</summary>
    public static ValidationSet Start(IReadOnlyList<ImageClass> classes, PipelineOptions options, int steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fixedPairs = steps == 0 ? Task.FromResult(ValidationPairs.From([]))
            : options.Validation.Fresh ? null
            : Task.Run(() => ValidationPairs.TakeAsync(classes, options, steps, 0, cancellationToken), cancellationToken);
        return new ValidationSet(classes, options, steps, fixedPairs);
    }

    /// <summary>Takes the fixed set (or none when fresh) before returning.</summary>
    public static async Task<ValidationSet> CreateAsync(IReadOnlyList<ImageClass> classes, PipelineOptions options, int steps, CancellationToken cancellationToken)
    {
        var set = Start(classes, options, steps, cancellationToken);
        if (set._fixed is { } pending)
        {
            await pending.ConfigureAwait(false);
        }

        return set;
    }

    /// <summary>Epoch <paramref name="epoch"/>'s pairs (0-based), waiting for the fixed set or drawing a fresh one on the calling (trainer) thread.</summary>
    public ValidationPairs ForEpoch(int epoch, CancellationToken cancellationToken) =>
        (_fixed ?? ValidationPairs.TakeAsync(_classes, _options, _steps, epoch, cancellationToken)).WaitAsync(cancellationToken).GetAwaiter().GetResult();
}

