using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>The bound values of every product section, as written to a run's <c>config.json</c>.</summary>
public sealed class EffectiveConfiguration(
    IOptions<DataOptions> data,
    IOptions<PipelineOptions> pipeline,
    IOptions<ModelOptions> model,
    IOptions<TrainingOptions> training,
    IOptions<OutputOptions> output,
    IOptions<EvaluationOptions> evaluation,
    IOptions<TelemetryOptions> telemetry)
{
    public IReadOnlyDictionary<string, object> Snapshot() => new Dictionary<string, object>
    {
        [DataOptions.SectionName] = data.Value,
        [PipelineOptions.SectionName] = pipeline.Value,
        [ModelOptions.SectionName] = model.Value,
        [TrainingOptions.SectionName] = training.Value,
        [OutputOptions.SectionName] = output.Value,
        [EvaluationOptions.SectionName] = evaluation.Value,
        [TelemetryOptions.SectionName] = telemetry.Value,
    };
}
