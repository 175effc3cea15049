using BenchmarkDotNet.Attributes;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Bench;

/// <summary>One producer's work per image: a parameter draw and the pixel transform, with the tutorial's settings.</summary>
public class AugmentationBenchmarks
{
    private const int Images = 1024;

    private ImageClass _digits = null!;
    private Augmenter _augmenter = null!;
    private Augmenter _rescaleOnly = null!;
    private AugmentParameters[] _parameters = null!;
    private Random _random = null!;
    private readonly float[] _output = new float[SyntheticDigits.Side * SyntheticDigits.Side];

    [Params(SyntheticDigits.Kind.Strokes, SyntheticDigits.Kind.Noise)]
    public SyntheticDigits.Kind Data { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _digits = SyntheticDigits.Create(Images, Data)[0];
        _augmenter = new Augmenter(new AugmentationOptions(), SyntheticDigits.Side, SyntheticDigits.Side);
        _rescaleOnly = Augmenter.RescaleOnly(1.0 / 255, SyntheticDigits.Side, SyntheticDigits.Side);
        _random = new Random(1);
        _parameters = Enumerable.Range(0, Images).Select(_ => _augmenter.Draw(_random)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Images)]
    [ImagesPerOperation(1)]
    public void DrawAndAugment()
    {
        for (int i = 0; i < Images; i++)
        {
            _augmenter.Apply(_augmenter.Draw(_random), _digits.Image(i), _output);
        }
    }

    [Benchmark(OperationsPerInvoke = Images)]
    [ImagesPerOperation(1)]
    public void AugmentOnly()
    {
        for (int i = 0; i < Images; i++)
        {
            _augmenter.Apply(_parameters[i], _digits.Image(i), _output);
        }
    }

    [Benchmark(OperationsPerInvoke = Images, Baseline = true)]
    [ImagesPerOperation(1)]
    public void RescaleOnly()
    {
        for (int i = 0; i < Images; i++)
        {
            _rescaleOnly.Apply(AugmentParameters.Identity, _digits.Image(i), _output);
        }
    }
}
