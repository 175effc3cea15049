using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Siamese.Bench;

/// <summary>A short in-process job: the machine has two cores and is shared, so runs stay brief.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ThroughputColumn("Images/s", ThroughputColumn.ImagesPerOperation));
        AddColumn(new ThroughputColumn("Pairs/s", ThroughputColumn.PairsPerOperation));
        AddColumn(new ThroughputColumn("Steps/s", ThroughputColumn.OnePerOperation));
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
