using Siamese.Model;

namespace Siamese.Host.Training;

/// <summary>
/// Where a run stands, as the training loop advances it and as the checkpoint's header records it: completed epochs,
/// the step inside the current epoch (a checkpoint written on interruption can fall mid-epoch), how many batches the
/// data stream has delivered (the stream is restarted by skipping that many), the current epoch's running sums and
/// the history.
/// </summary>
internal sealed class TrainingProgress
{
    public int CompletedEpochs { get; set; }

    public int StepInEpoch { get; set; }

    public long BatchesConsumed { get; set; }

    public double EpochLossSum { get; set; }

    public long EpochCorrect { get; set; }

    public long EpochPairs { get; set; }

    /// <summary>Seconds the current epoch had trained before this process continued it (a resumed mid-epoch run).</summary>
    public double EpochSeconds { get; set; }

    public List<EpochRecord> History { get; set; } = [];

    /// <summary>Counts one training step; a non-finite loss stops the run naming the epoch and step.</summary>
    /// <exception cref="NonFiniteLossException">The step's loss is NaN or infinite.</exception>
    public void Add(StepResult step)
    {
        BatchesConsumed++;
        if (!double.IsFinite(step.Loss))
        {
            throw new NonFiniteLossException(CompletedEpochs + 1, StepInEpoch + 1, step.Loss);
        }

        EpochLossSum += step.Loss * step.Count;
        EpochCorrect += step.Correct;
        EpochPairs += step.Count;
        StepInEpoch++;
    }

    /// <summary>Closes the current epoch: its record (the training loss and accuracy from the running sums, and what the caller measured) joins the history and the sums start again.</summary>
    public EpochRecord CompleteEpoch(double valLoss, double valAcc, double learningRate, double seconds, double sinceStart)
    {
        var record = new EpochRecord(CompletedEpochs + 1, EpochLossSum / EpochPairs, (double)EpochCorrect / EpochPairs, valLoss, valAcc, learningRate, seconds, EpochPairs / seconds, double.NaN, sinceStart);
        History.Add(record);
        CompletedEpochs++;
        StepInEpoch = 0;
        EpochLossSum = 0;
        EpochCorrect = 0;
        EpochPairs = 0;
        EpochSeconds = 0;
        return record;
    }
}
