using Siamese.Model;

namespace Siamese.Host.Runs;

/// <summary>The names of the files in a run folder, declared once.</summary>
internal static class RunFiles
{
    public const string Configuration = "config.json";
    public const string History = "history.csv";
    public const string HistoryJson = "history.json";
    public const string HistoryPlot = "history.png";
    public const string Checkpoint = CheckpointFile.FileName;
    public const string Weights = ModelFile.WeightsName;
    public const string ModelOptions = ModelFile.OptionsName;
    public const string PyTorch = "model.pt";
    public const string Safetensors = "model.safetensors";
    public const string Onnx = OnnxExport.ModelName;
    public const string OnnxEmbedding = OnnxExport.EmbeddingName;
    public const string Evaluation = "evaluation.json";
    public const string OneShotRuns = Siamese.Host.Evaluation.OneShotRunsScorer.ReportName;
    public const string OneShotRunPicture = Siamese.Host.Evaluation.OneShotRunsScorer.PictureName;
    public const string TensorBoard = "tensorboard";

    /// <summary>Present while a process owns the folder.</summary>
    public const string Lock = "run.lock";
}
