using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Configuration;

/// <summary>The bound values of every product section, as a run's <c>config.json</c> records them and a checkpoint carries them.</summary>
internal sealed class EffectiveConfiguration(
    IOptions<DataOptions> data,
    IOptions<PipelineOptions> pipeline,
    IOptions<ModelOptions> model,
    IOptions<TrainingOptions> training,
    IOptions<TrainerSettings> trainer,
    IOptions<OutputOptions> output,
    IOptions<EvaluationOptions> evaluation,
    IOptions<TelemetryOptions> telemetry)
{
    /// <summary>One JSON object per section; the <c>Training</c> section holds the loop's and the optimiser's settings together.</summary>
    public JsonObject Snapshot() => new()
    {
        [DataOptions.SectionName] = Node(data.Value),
        [PipelineOptions.SectionName] = Node(pipeline.Value),
        [ModelOptions.SectionName] = Node(model.Value),
        [TrainingOptions.SectionName] = Merge(Node(training.Value), Node(trainer.Value)),
        [OutputOptions.SectionName] = Node(output.Value),
        [EvaluationOptions.SectionName] = Node(evaluation.Value),
        [TelemetryOptions.SectionName] = Node(telemetry.Value),
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
