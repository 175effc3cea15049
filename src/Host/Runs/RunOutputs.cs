using System.Text.Json;
using System.Text.Json.Nodes;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Plots;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Runs;

/// <summary>
/// What a training run leaves in its folder: after every epoch the history (<c>history.csv</c>, <c>history.json</c>),
/// TensorBoard scalars and the checkpoint; when the run ends or is interrupted the history plot; at the end the weights
/// (<c>model.bin</c> + <c>model.json</c>), the PyTorch and ONNX exports and the test evaluation.
/// </summary>
internal sealed class RunOutputs
{
    private readonly RunDirectory _run;
    private readonly JsonObject? _configuration;
    private readonly TensorBoardLog? _tensorBoard;

    /// <summary>The decision threshold <c>model.onnx</c> records: the run's <c>Evaluation:Threshold</c>.</summary>
    private readonly double _threshold;

    /// <param name="configuration">
    /// The effective configuration, kept in every checkpoint so a resume can be checked against it; its
    /// <c>Evaluation</c> section gives the threshold <c>model.onnx</c> records (the option's default without one).
    /// </param>
    public RunOutputs(RunDirectory run, JsonObject? configuration, bool tensorBoard)
    {
        _run = run;
        _configuration = configuration;
        _threshold = (configuration?[EvaluationOptions.SectionName]?.Deserialize<EvaluationOptions>(AtomicFile.Json) ?? new EvaluationOptions()).Threshold;
        _tensorBoard = tensorBoard ? new TensorBoardLog(run.File(RunFiles.TensorBoard)) : null;
    }

    public string CheckpointPath => _run.CheckpointPath;

    /// <summary>The epoch just recorded as the last of <paramref name="history"/>: its TensorBoard scalars.</summary>
    public void EpochEnded(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_tensorBoard is not { } log)
        {
            return;
        }

        log.Scalar("loss/train", record.Loss, record.Epoch);
        log.Scalar("loss/validation", record.ValLoss, record.Epoch);
        log.Scalar("accuracy/train", record.Acc, record.Epoch);
        log.Scalar("accuracy/validation", record.ValAcc, record.Epoch);
        if (!double.IsNaN(record.TestAcc))
        {
            log.Scalar("accuracy/test", record.TestAcc, record.Epoch);
        }

        log.Scalar("throughput/pairs_per_second", record.PairsPerSecond, record.Epoch);
        log.Scalar("learning_rate", record.LearningRate, record.Epoch);
    }

    /// <summary>An epoch's test pair accuracy, scored after the epoch was logged (<c>Evaluation:EveryEpoch</c>).</summary>
    public void TestScored(int epoch, double accuracy) => _tensorBoard?.Scalar("accuracy/test", accuracy, epoch);

    /// <summary>The checkpoint of <paramref name="progress"/>, then the history files it holds.</summary>
    public void SaveProgress(TrainingProgress progress, SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Checkpoint.Save(_run.CheckpointPath, progress, trainer.Options, _configuration, trainer);
        WriteHistory(progress.History);
    }

    /// <summary>The history files alone (<c>history.csv</c>, <c>history.json</c>): what a failing run can still correct without moving its checkpoint.</summary>
    public void WriteHistory(IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _run.WriteAllText(RunFiles.History, EpochRecord.ToCsv(history));
        _run.WriteJson(RunFiles.HistoryJson, history);
    }

    /// <summary>The history plot, drawn when a run ends (finished or interrupted): ~35 ms, too slow for every epoch on the trainer thread.</summary>
    public void DrawHistory(IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count > 0)
        {
            HistoryPlot.Save(history, _run.File(RunFiles.HistoryPlot));
        }
    }

    /// <summary>
    /// The final weights with the shape they need, the PyTorch exports and the ONNX graphs; <c>model.onnx</c> records
    /// the run's <c>Evaluation:Threshold</c> (until <c>evaluate</c> replaces it with the calibrated one).
    /// </summary>
    public void SaveModel(SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.SaveWeights(_run.File(RunFiles.Weights));
        ModelFile.WriteOptions(_run.Path, trainer.Options);
        trainer.ExportPyTorch(_run.File(RunFiles.PyTorch));
        trainer.ExportSafetensors(_run.File(RunFiles.Safetensors));
        OnnxExport.WriteModel(trainer, _run.File(RunFiles.Onnx), _threshold);
        OnnxExport.WriteEmbedding(trainer, _run.File(RunFiles.OnnxEmbedding));
    }

    public void SaveEvaluation(EvaluationResult evaluation) => _run.WriteJson(RunFiles.Evaluation, evaluation);

    /// <summary>The official one-shot runs' report and the picture of one run (<c>Evaluation:OneShotRuns</c>).</summary>
    public void SaveOneShotRuns(OneShotRunsReport report, Pipeline.Data.OneShotRunSet runs) =>
        OneShotRunsScorer.Write(report, runs, _run.File(RunFiles.OneShotRuns), _run.File(RunFiles.OneShotRunPicture));
}
