using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Siamese.Bench;

/// <summary>Turns the mean time per operation into items per second, for benchmarks that say how many items an operation is.</summary>
public sealed class ThroughputColumn(string name, Func<BenchmarkCase, double?> itemsPerOperation) : IColumn
{
    public static double? ImagesPerOperation(BenchmarkCase benchmark) =>
        Attribute.GetCustomAttribute(benchmark.Descriptor.WorkloadMethod, typeof(ImagesPerOperationAttribute)) is ImagesPerOperationAttribute a ? a.Images : null;

    /// <summary>Pipeline batches carry two images per pair; a trainer step is one batch of <c>BatchSize</c> pairs.</summary>
    public static double? PairsPerOperation(BenchmarkCase benchmark)
    {
        if (benchmark.Descriptor.Type == typeof(TrainerBenchmarks))
        {
            return Convert.ToDouble(benchmark.Parameters[nameof(TrainerBenchmarks.BatchSize)], System.Globalization.CultureInfo.InvariantCulture);
        }

        return ImagesPerOperation(benchmark) is double images && benchmark.Descriptor.Type == typeof(PipelineBenchmarks) ? images / 2 : null;
    }

    /// <summary>Operations per second (for the trainer: steps/s).</summary>
    public static double? OnePerOperation(BenchmarkCase benchmark) =>
        benchmark.Descriptor.Type == typeof(TrainerBenchmarks) ? 1 : null;

    public string Id => nameof(ThroughputColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{name}: items per operation divided by the mean time per operation";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return itemsPerOperation(benchmarkCase) is double items && mean is double nanoseconds
            ? (items / (nanoseconds * 1e-9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "-";
    }
}
