namespace Siamese.Pipeline.Tests;

/// <summary>What each <see cref="AugmentSemantics"/> draws and where it moves the content.</summary>
public sealed class AugmentSemanticsTests
{
    public static TheoryData<AugmentSemantics> AllSemantics => new(Enum.GetValues<AugmentSemantics>());

    public static TheoryData<AugmentSemantics, bool> SemanticsAndPaths => new()
    {
        { AugmentSemantics.AsNamed, true },
        { AugmentSemantics.AsNamed, false },
        { AugmentSemantics.TfKeras, true },
        { AugmentSemantics.TfKeras, false },
        { AugmentSemantics.KerasPreprocessing112, true },
        { AugmentSemantics.KerasPreprocessing112, false },
    };

    /// <summary>
    /// get_random_transform scales the height shift range by the rows and the width shift range by the columns, in
    /// every release; on a 10 × 40 image a 0.1 range is one pixel of height and four of width.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllSemantics))]
    public void Draw_NonSquareImage_ScalesEachShiftRangeByItsOwnSide(AugmentSemantics semantics)
    {
        var options = Options(semantics);
        options.HeightShiftRange = 0.1;
        options.WidthShiftRange = 0.1;
        var augmenter = new Augmenter(options, height: 10, width: 40);
        var random = new Random(21);

        var draws = Enumerable.Range(0, 2000).Select(_ => augmenter.Draw(random)).ToArray();

        Assert.All(draws, d => Assert.InRange(Math.Abs(d.Tx), 0, 1));
        Assert.All(draws, d => Assert.InRange(Math.Abs(d.Ty), 0, 4));
        Assert.True(draws.Max(d => Math.Abs(d.Tx)) > 0.95);
        Assert.True(draws.Max(d => Math.Abs(d.Ty)) > 3.8);
    }

    /// <summary>theta, tx (height range), ty (width range), shear, zx, zy, then the flips: one uniform each, in that order.</summary>
    [Theory]
    [MemberData(nameof(AllSemantics))]
    public void Draw_EverySemantics_DrawsInGetRandomTransformOrder(AugmentSemantics semantics)
    {
        var options = Options(semantics);
        options.RotationRange = 10;
        options.HeightShiftRange = 0.1;
        options.WidthShiftRange = 0.2;
        options.ShearRange = 5;
        options.ZoomRange = 0.3;
        options.HorizontalFlip = true;
        options.VerticalFlip = true;
        var augmenter = new Augmenter(options, height: 10, width: 40);

        var drawn = augmenter.Draw(new Random(22));

        var u = new Random(22);
        double Uniform(double range) => -range + 2 * range * u.NextDouble();
        var expected = new AugmentParameters(
            Theta: Uniform(10),
            Tx: Uniform(0.1 * 10),
            Ty: Uniform(0.2 * 40),
            Shear: Uniform(5),
            Zx: 1 + Uniform(0.3),
            Zy: 1 + Uniform(0.3),
            FlipHorizontal: u.NextDouble() < 0.5,
            FlipVertical: u.NextDouble() < 0.5);
        Assert.Equal(expected, drawn);
    }

    /// <summary>tx comes from the height shift range: it moves the content up as named, but left in tf.keras 2.6+.</summary>
    [Theory]
    [InlineData(AugmentSemantics.AsNamed, 2, 0)]
    [InlineData(AugmentSemantics.KerasPreprocessing112, 2, 0)]
    [InlineData(AugmentSemantics.TfKeras, 0, 2)]
    public void Apply_WholePixelTx_MovesContentUpOrLeft(AugmentSemantics semantics, int rowsUp, int columnsLeft)
    {
        const int n = 12;
        var augmenter = new Augmenter(Options(semantics, rescale: 1), n, n);
        var source = new byte[n * n];
        source[6 * n + 7] = 200;
        var output = new float[n * n];

        augmenter.Apply(AugmentParameters.Identity with { Tx = 2 }, source, output);

        var expected = new float[n * n];
        expected[(6 - rowsUp) * n + 7 - columnsLeft] = 200;
        Assert.Equal(expected, output);
    }

    /// <summary>Flips mirror about the middle of the pixel grid whatever centre the transform turns about.</summary>
    [Theory]
    [MemberData(nameof(SemanticsAndPaths))]
    public void Apply_FlipsAlone_MirrorTheImageExactly(AugmentSemantics semantics, bool vectorPath)
    {
        const int height = 9, width = 14;
        var augmenter = new Augmenter(Options(semantics), height, width) { VectorPath = vectorPath };
        var source = new byte[height * width];
        new Random(23).NextBytes(source);
        var output = new float[height * width];

        augmenter.Apply(AugmentParameters.Identity with { FlipHorizontal = true, FlipVertical = true }, source, output);

        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                Assert.Equal(source[(height - 1 - r) * width + (width - 1 - c)] * (float)(1.0 / 255), output[r * width + c]);
            }
        }
    }

    /// <summary>
    /// Keras hands <c>wrap</c> to scipy, whose <c>wrap</c> wraps the coordinate with period size − 1 (first and last
    /// pixels coincide); <c>AsNamed</c> keeps the period of the image size.
    /// </summary>
    [Theory]
    [InlineData(AugmentSemantics.AsNamed, 3, new[] { 3, 4, 5, 6, 7, 0, 1, 2 })]
    [InlineData(AugmentSemantics.AsNamed, -3, new[] { 5, 6, 7, 0, 1, 2, 3, 4 })]
    [InlineData(AugmentSemantics.KerasPreprocessing112, 3, new[] { 3, 4, 5, 6, 7, 1, 2, 3 })]
    [InlineData(AugmentSemantics.KerasPreprocessing112, -3, new[] { 4, 5, 6, 0, 1, 2, 3, 4 })]
    [InlineData(AugmentSemantics.TfKeras, 3, new[] { 3, 4, 5, 6, 7, 1, 2, 3 })]
    [InlineData(AugmentSemantics.TfKeras, -3, new[] { 4, 5, 6, 0, 1, 2, 3, 4 })]
    public void Apply_WrapPastTheRightOrLeftEdge_WrapsPerSemantics(AugmentSemantics semantics, int shift, int[] sourceColumns)
    {
        const int n = 8;
        var options = Options(semantics, rescale: 1);
        options.FillMode = FillMode.Wrap;
        var augmenter = new Augmenter(options, n, n);
        var source = new byte[n * n];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = (byte)(10 * (i / n) + i % n);
        }

        var output = new float[n * n];
        // The horizontal shift is ty as named, tx in tf.keras.
        var parameters = semantics == AugmentSemantics.TfKeras
            ? AugmentParameters.Identity with { Tx = shift }
            : AugmentParameters.Identity with { Ty = shift };

        augmenter.Apply(parameters, source, output);

        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                Assert.Equal(source[r * n + sourceColumns[c]], output[r * n + c]);
            }
        }
    }

    [Fact]
    public void Constructor_UnknownSemantics_Throws()
    {
        var options = new AugmentationOptions { Semantics = (AugmentSemantics)7 };

        var error = Assert.Throws<ArgumentException>(() => new Augmenter(options, 28, 28));

        Assert.Contains("7", error.Message);
    }

    private static AugmentationOptions Options(AugmentSemantics semantics, double rescale = 1.0 / 255)
    {
        var options = TestDigits.NoTransform(rescale);
        options.Semantics = semantics;
        return options;
    }
}
