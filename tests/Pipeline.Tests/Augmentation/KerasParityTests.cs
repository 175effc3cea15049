using Xunit.Abstractions;

namespace Siamese.Pipeline.Tests;

/// <summary>
/// The augmenter against Keras's own outputs (<see cref="KerasAffineFixture"/>): every case, every image, both
/// sampler paths, within 1e-5 of Keras after rescaling.
/// </summary>
public sealed class KerasParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<AugmentSemantics, bool> KerasModes => new()
    {
        { AugmentSemantics.TfKeras, false },
        { AugmentSemantics.TfKeras, true },
        { AugmentSemantics.KerasPreprocessing112, false },
        { AugmentSemantics.KerasPreprocessing112, true },
    };

    [Theory]
    [MemberData(nameof(KerasModes))]
    public void Apply_EveryFixtureCase_MatchesKerasWithin1e5(AugmentSemantics semantics, bool vectorPath)
    {
        var worst = WorstDifference(semantics, semantics, vectorPath);

        output.WriteLine($"{semantics}, {(vectorPath ? "AVX2 where constant" : "scalar")}: worst max abs diff {worst}");
        Assert.True(worst.Difference <= Tolerance, $"{semantics}: {worst}");
    }

    /// <summary>The default semantics move the height shift vertically about the grid's middle: no Keras release does both.</summary>
    [Theory]
    [InlineData(AugmentSemantics.TfKeras)]
    [InlineData(AugmentSemantics.KerasPreprocessing112)]
    public void Apply_AsNamed_DiffersFromEveryKerasRelease(AugmentSemantics release)
    {
        var worst = WorstDifference(AugmentSemantics.AsNamed, release, vectorPath: false);

        Assert.True(worst.Difference > 0.1, $"AsNamed against {release}: {worst}");
    }

    private static Worst WorstDifference(AugmentSemantics semantics, AugmentSemantics release, bool vectorPath)
    {
        var fixture = KerasAffineFixture.Instance;
        var actual = new float[KerasAffineFixture.ImageSize];
        var worst = new Worst(-1, -1, -1, 0, 0, 0, null);
        for (int c = 0; c < fixture.Cases.Count; c++)
        {
            var @case = fixture.Cases[c];
            var augmenter = new Augmenter(@case.Options(semantics), KerasAffineFixture.Side, KerasAffineFixture.Side)
            {
                VectorPath = vectorPath && Avx2ConstantSampler.IsSupported(KerasAffineFixture.Side),
            };
            for (int image = 0; image < fixture.ImageCount; image++)
            {
                augmenter.Apply(@case.Parameters, fixture.Input(image), actual);
                var expected = fixture.Expected(release, c, image);
                for (int p = 0; p < actual.Length; p++)
                {
                    double difference = Math.Abs((double)actual[p] - expected[p]);
                    if (difference > worst.Difference || worst.Case < 0)
                    {
                        worst = new Worst(c, image, p, difference, actual[p], expected[p], @case);
                    }
                }
            }
        }

        return worst;
    }

    private sealed record Worst(int Case, int Image, int Pixel, double Difference, float Actual, float Expected, KerasCase? Parameters)
    {
        public override string ToString() =>
            $"{Difference:G4} at case {Case} ({Parameters}), image {Image}, pixel ({Pixel / KerasAffineFixture.Side}, {Pixel % KerasAffineFixture.Side}): {Actual:R}, Keras {Expected:R}";
    }
}
