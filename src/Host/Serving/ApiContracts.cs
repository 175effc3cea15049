using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Siamese.Host.Training;

namespace Siamese.Host.Serving;

// What the JSON API sends and takes. Images are row-major arrays of whole numbers 0–255; "given" holds the pixels
// the model was given when the request uploaded picture files (prepared as the model's pictures are: made MNIST-like for an MNIST model).

/// <summary>The body of <c>POST /api/similarity</c> as JSON (or the parts of a multipart upload).</summary>
internal sealed record SimilarityRequest(int[] Left, int[] Right);

/// <summary>The body of <c>POST /api/embed</c> and <c>POST /api/map</c> as JSON.</summary>
internal sealed record ImagesRequest(int[][] Images);

/// <summary>The body of <c>POST /api/search</c> and <c>POST /api/identify</c> as JSON.</summary>
internal sealed record ImageRequest(int[] Image);

internal sealed record GalleryInfo(string Name, int Images, IReadOnlyList<string> Classes);

internal sealed record ModelInfo(
    string Model, string Tower, string Similarity, int InputSize, int ImageSide, int EmbeddingSize,
    IReadOnlyList<string> Classes, double Threshold, string ThresholdSource, GalleryInfo Gallery);

internal sealed record SimilarityResponse(float Similarity, bool Same, double Threshold, int[][]? Given);

internal sealed record EmbedResponse(int Dimensions, float[][] Embeddings, int[][]? Given);

/// <summary>One gallery image a search found; <see cref="Pixels"/> only when asked for (<c>pixels=true</c>).</summary>
internal sealed record MatchResponse(int Rank, int Index, string Id, string Class, float Similarity, int[]? Pixels);

internal sealed record SearchResponse(int Gallery, MatchResponse[] Matches, int[]? Given);

/// <summary>
/// The identify answer: the class of the most similar gallery image when its similarity is above the threshold
/// (<see cref="Known"/>), else "unknown".
/// </summary>
internal sealed record IdentifyResponse(string Answer, bool Known, string NearestClass, float Similarity, double Threshold, MatchResponse[] Matches, int[]? Given);

internal sealed record MapPoint(double X, double Y);

internal sealed record MapResponse(MapPoint[] Points, int[][]? Given);

/// <summary>The gallery's map: each image's place (<see cref="X"/>, <see cref="Y"/>) and class (an index into <see cref="Classes"/>).</summary>
internal sealed record GalleryMapResponse(double[] Explained, float[] X, float[] Y, int[] Class, IReadOnlyList<string> Classes);

internal sealed record GalleryImageResponse(int Index, string Id, string Class, int[] Pixels);

internal sealed record RunEvaluation(double? Threshold, double? Accuracy, double? RocAuc, double? CalibratedThreshold, double? CalibratedAccuracy);

/// <summary>A run folder: <see cref="Status"/> is <c>running</c> (its run.lock is there), <c>finished</c> (model.bin) or <c>stopped</c>.</summary>
internal sealed record RunSummary(string Name, string Status, int Epochs, int? PlannedEpochs, EpochResponse? Last, RunEvaluation? Evaluation, DateTimeOffset Modified);

internal sealed record RunDetail(RunSummary Run, EpochResponse[] History);

/// <summary>One epoch of a run's history (<c>history.json</c>); <see cref="TestAcc"/> only with <c>Evaluation:EveryEpoch</c>.</summary>
internal sealed record EpochResponse(int Epoch, double Loss, double Acc, double ValLoss, double ValAcc, double LearningRate, double Seconds, double PairsPerSecond, double? TestAcc, double? SinceStart)
{
    public static EpochResponse Of(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        static double? Known(double value) => double.IsFinite(value) ? value : null;
        return new(record.Epoch, record.Loss, record.Acc, record.ValLoss, record.ValAcc, record.LearningRate, record.Seconds, record.PairsPerSecond, Known(record.TestAcc), Known(record.SinceStart));
    }
}

internal sealed record Health(string Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SimilarityRequest))]
[JsonSerializable(typeof(ImagesRequest))]
[JsonSerializable(typeof(ImageRequest))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(SimilarityResponse))]
[JsonSerializable(typeof(EmbedResponse))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(IdentifyResponse))]
[JsonSerializable(typeof(MapResponse))]
[JsonSerializable(typeof(GalleryMapResponse))]
[JsonSerializable(typeof(GalleryImageResponse))]
[JsonSerializable(typeof(RunSummary[]))]
[JsonSerializable(typeof(RunDetail))]
[JsonSerializable(typeof(EpochRecord[]))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ApiJson : JsonSerializerContext
{
    /// <summary>The API's serializer: web names, nulls left out, and text as written (no \u0027 for an apostrophe).</summary>
    public static ApiJson Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
