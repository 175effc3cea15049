using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// Everything a training run is configured with: each section as bound and validated at start, and the model the run
/// trains and records, built once here from the <c>Model</c> section and what follows from the others (the similarity
/// from <c>Training:Loss</c>, the margin, the pixel rescale from <c>Pipeline:Augmentation:Rescale</c>).
/// </summary>
internal sealed record RunSettings
{
    public DataOptions Data { get; init; } = new();

    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary>The model as the run records it with its weights (see <see cref="Record"/>).</summary>
    public ModelOptions Model { get; init; } = Record(new ModelOptions(), new TrainingOptions(), new PipelineOptions());

    public TrainingOptions Training { get; init; } = new();

    /// <summary>The optimiser's settings, bound from the same <c>Training</c> section.</summary>
    public TrainerSettings Trainer { get; init; } = new();

    public OutputOptions Output { get; init; } = new();

    public EvaluationOptions Evaluation { get; init; } = new();

    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>The bound sections of <paramref name="services"/>, which validated each where it was bound.</summary>
    public static RunSettings Bind(IServiceProvider services)
    {
        T Section<T>()
            where T : class => services.GetRequiredService<IOptions<T>>().Value;

        var training = Section<TrainingOptions>();
        var pipeline = Section<PipelineOptions>();
        return new RunSettings
        {
            Data = Section<DataOptions>(),
            Pipeline = pipeline,
            Model = Record(Section<ModelOptions>(), training, pipeline, Section<DataOptions>()),
            Training = training,
            Trainer = Section<TrainerSettings>(),
            Output = Section<OutputOptions>(),
            Evaluation = Section<EvaluationOptions>(),
            Telemetry = Section<TelemetryOptions>(),
        };
    }

    /// <summary>
    /// The model a run with these sections trains, as recorded with its weights; learning from an image set, its input
    /// is the prepared pictures' square (<c>Data:ImageSide</c>²) and it records how a picture is prepared.
    /// </summary>
    public static ModelOptions Record(ModelOptions configured, TrainingOptions training, PipelineOptions pipeline, DataOptions? data = null)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(pipeline);
        var similarity = training.Loss == LossKind.Contrastive ? SimilarityKind.Contrastive : SimilarityKind.Sigmoid;
        bool images = !string.IsNullOrWhiteSpace(data?.Images);
        return configured.Recorded(
            similarity,
            training.Margin,
            pipeline.Augmentation.Rescale,
            images ? new PictureInput(data!.Invert, data.Centre == CentreKind.CentreOfMass) : null,
            images ? data!.ImageSide * data.ImageSide : null);
    }

    /// <summary>One JSON object per section, as a run's <c>config.json</c> records them and its checkpoints carry them; <c>Training</c> holds the loop's and the optimiser's settings together.</summary>
    public JsonObject Snapshot() => new()
    {
        [DataOptions.SectionName] = Node(Data),
        [PipelineOptions.SectionName] = Node(Pipeline),
        [ModelOptions.SectionName] = Node(Model),
        [TrainingOptions.SectionName] = Merge(Node(Training), Node(Trainer)),
        [OutputOptions.SectionName] = Node(Output),
        [EvaluationOptions.SectionName] = Node(Evaluation),
        [TelemetryOptions.SectionName] = Node(Telemetry),
    };

    private static JsonObject Node<T>(T value) => JsonSerializer.SerializeToNode(value, AtomicFile.Json)!.AsObject();

    private static JsonObject Merge(JsonObject first, JsonObject second)
    {
        foreach (var (key, value) in second.ToArray())
        {
            second.Remove(key);
            first[key] = value;
        }

        return first;
    }
}
