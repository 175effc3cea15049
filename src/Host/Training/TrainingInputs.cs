using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>What a run trains and is scored on, checked by <see cref="TrainingLoop.Prepare"/> before the run folder is written.</summary>
/// <param name="Split">The training, validation and test classes.</param>
/// <param name="OfficialRuns">The one-shot runs scored at the end (<c>Evaluation:OneShotRuns</c>), or null.</param>
internal sealed record TrainingInputs(DatasetSplit Split, OneShotRunSet? OfficialRuns);
