namespace Siamese.Pipeline.Tests;

public sealed class AugmenterTests
{
    private const int Size = 28;
    private const float Rescale = (float)(1.0 / 255);

    public static TheoryData<bool> Paths => new() { true, false };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Apply_AllRangesZero_ReturnsInputTimesRescaleExactly(bool vectorPath)
    {
        var augmenter = new Augmenter(TestDigits.NoTransform(), Size, Size) { VectorPath = vectorPath };
        var source = RandomImage(Size, Size, seed: 1);
        var output = new float[Size * Size];

        var parameters = augmenter.Draw(new Random(7));
        augmenter.Apply(parameters, source, output);

        Assert.Equal(AugmentParameters.Identity, parameters);
        for (int i = 0; i < source.Length; i++)
        {
            Assert.Equal(source[i] * Rescale, output[i]);
        }
    }

    [Fact]
    public void Draw_AllRangesZero_ConsumesNoRandomness()
    {
        var augmenter = new Augmenter(TestDigits.NoTransform(), Size, Size);
        var random = new Random(3);

        augmenter.Draw(random);

        Assert.Equal(new Random(3).Next(), random.Next());
    }

    [Theory]
    [InlineData(2, 0, true)]
    [InlineData(0, -3, true)]
    [InlineData(-4, 5, true)]
    [InlineData(2, 0, false)]
    [InlineData(-4, 5, false)]
    public void Apply_WholePixelShift_EqualsShiftedArray(int tx, int ty, bool vectorPath)
    {
        var options = TestDigits.NoTransform();
        options.FillValue = 9;
        var augmenter = new Augmenter(options, Size, Size) { VectorPath = vectorPath };
        var source = RandomImage(Size, Size, seed: 2);
        var output = new float[Size * Size];

        augmenter.Apply(AugmentParameters.Identity with { Tx = tx, Ty = ty }, source, output);

        // Keras samples input (r + tx, c + ty) for output (r, c): positive tx moves the content up.
        for (int r = 0; r < Size; r++)
        {
            for (int c = 0; c < Size; c++)
            {
                int sr = r + tx, sc = c + ty;
                bool inside = sr is >= 0 and < Size && sc is >= 0 and < Size;
                float expected = inside ? source[sr * Size + sc] * Rescale : 9 * Rescale;
                Assert.Equal(expected, output[r * Size + c]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Apply_QuarterTurn_TurnsContentClockwise(bool vectorPath)
    {
        const int n = 8;
        var augmenter = new Augmenter(TestDigits.NoTransform(rescale: 1), n, n) { VectorPath = vectorPath };
        var source = new byte[n * n];
        source[0 * n + 7] = 200; // top-right corner
        source[0 * n + 1] = 100; // top row, near the left
        source[3 * n + 2] = 50;
        var output = new float[n * n];

        augmenter.Apply(AugmentParameters.Identity with { Theta = 90 }, source, output);

        var expected = new float[n * n];
        expected[7 * n + 7] = 200; // top-right goes to bottom-right
        expected[1 * n + 7] = 100; // the top row becomes the right column
        expected[2 * n + 4] = 50;  // (3, 2) -> (2, 7 - 3)
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData(90, true)]
    [InlineData(-90, true)]
    [InlineData(180, true)]
    [InlineData(270, false)]
    public void Apply_QuarterTurnOfRandomPattern_MatchesRotatedArray(double theta, bool vectorPath)
    {
        var augmenter = new Augmenter(TestDigits.NoTransform(), Size, Size) { VectorPath = vectorPath };
        var source = RandomImage(Size, Size, seed: 4);
        var output = new float[Size * Size];

        augmenter.Apply(AugmentParameters.Identity with { Theta = theta }, source, output);

        int m = Size - 1;
        for (int r = 0; r < Size; r++)
        {
            for (int c = 0; c < Size; c++)
            {
                (int sr, int sc) = (((int)theta + 360) % 360) switch
                {
                    90 => (m - c, r),
                    180 => (m - r, m - c),
                    _ => (c, m - r),
                };
                Assert.Equal(source[sr * Size + sc] * Rescale, output[r * Size + c]);
            }
        }
    }

    [Theory]
    [InlineData(FillMode.Constant, 3, new[] { 3, 4, 5, 6, 7, -1, -1, -1 })]
    [InlineData(FillMode.Nearest, 3, new[] { 3, 4, 5, 6, 7, 7, 7, 7 })]
    [InlineData(FillMode.Reflect, 3, new[] { 3, 4, 5, 6, 7, 7, 6, 5 })]
    [InlineData(FillMode.Wrap, 3, new[] { 3, 4, 5, 6, 7, 0, 1, 2 })]
    [InlineData(FillMode.Constant, -3, new[] { -1, -1, -1, 0, 1, 2, 3, 4 })]
    [InlineData(FillMode.Nearest, -3, new[] { 0, 0, 0, 0, 1, 2, 3, 4 })]
    [InlineData(FillMode.Reflect, -3, new[] { 2, 1, 0, 0, 1, 2, 3, 4 })]
    [InlineData(FillMode.Wrap, -3, new[] { 5, 6, 7, 0, 1, 2, 3, 4 })]
    public void Apply_ShiftPastEdge_FillsPerMode(FillMode mode, int ty, int[] sourceColumns)
    {
        const int n = 8;
        var options = TestDigits.NoTransform(rescale: 1);
        options.FillMode = mode;
        options.FillValue = 99;
        var augmenter = new Augmenter(options, n, n);
        var source = new byte[n * n];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = (byte)(10 * (i / n) + i % n);
        }

        var output = new float[n * n];

        augmenter.Apply(AugmentParameters.Identity with { Ty = ty }, source, output);

        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                float expected = sourceColumns[c] < 0 ? 99 : source[r * n + sourceColumns[c]];
                Assert.Equal(expected, output[r * n + c]);
            }
        }
    }

    [Fact]
    public void Apply_HalfPixelShift_AveragesNeighbours()
    {
        var augmenter = new Augmenter(TestDigits.NoTransform(rescale: 1), Size, Size);
        var source = RandomImage(Size, Size, seed: 5);
        var output = new float[Size * Size];

        augmenter.Apply(AugmentParameters.Identity with { Tx = 0.5 }, source, output);

        for (int r = 0; r < Size - 1; r++)
        {
            for (int c = 0; c < Size; c++)
            {
                Assert.Equal((source[r * Size + c] + source[(r + 1) * Size + c]) / 2f, output[r * Size + c]);
            }
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Apply_Flip_MirrorsImage(bool horizontal, bool vertical)
    {
        var augmenter = new Augmenter(TestDigits.NoTransform(), Size, Size);
        var source = RandomImage(Size, Size, seed: 6);
        var output = new float[Size * Size];

        augmenter.Apply(AugmentParameters.Identity with { FlipHorizontal = horizontal, FlipVertical = vertical }, source, output);

        for (int r = 0; r < Size; r++)
        {
            for (int c = 0; c < Size; c++)
            {
                int sr = vertical ? Size - 1 - r : r;
                int sc = horizontal ? Size - 1 - c : c;
                Assert.Equal(source[sr * Size + sc] * Rescale, output[r * Size + c]);
            }
        }
    }

    public static TheoryData<int, int, double, double, string> BitExactCases => new()
    {
        { 28, 28, 0.0, 1.0 / 255, "noise" },
        { 28, 28, 0.0, 1.0 / 255, "blob" },
        { 28, 28, 0.0, 1.0 / 255, "dots" },
        { 28, 28, 0.0, 1.0 / 255, "blank" },
        { 28, 28, 0.0, -1.0 / 255, "blob" },
        { 28, 28, 3.0, 1.0 / 255, "blob" },
        { 13, 21, 0.0, 1.0 / 255, "dots" },
        { 13, 21, 5.0, 0.5, "noise" },
        { 9, 8, 0.0, 1.0 / 255, "blob" },
        { 40, 70, 0.0, 1.0, "dots" },
        { 20, 32, 0.0, 1.0 / 255, "blob" },
        { 20, 33, 0.0, 1.0 / 255, "blob" },
    };

    /// <summary>
    /// The AVX2 sampler, which samples only each row's ink window when the fill is 0, against the scalar sampler, which
    /// samples every pixel: the same bits, including the sign of zero, for wide transforms (up to ±180°, large shifts,
    /// strong zoom and shear, flips) on images with ink in a few places, next to the edges, or everywhere, under every
    /// <see cref="AugmentSemantics"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(BitExactCases))]
    public void Apply_VectorPath_IsBitIdenticalToScalarPath(int height, int width, double fillValue, double rescale, string ink)
    {
        var random = new Random(15);
        foreach (var semantics in Enum.GetValues<AugmentSemantics>())
        {
            var wide = new AugmentationOptions { RotationRange = 180, ZoomRange = 0.6, ShearRange = 40, WidthShiftRange = 0.4, HeightShiftRange = 0.4, FillValue = fillValue, Rescale = rescale, HorizontalFlip = true, VerticalFlip = true, Semantics = semantics };
            var tutorial = new AugmentationOptions { FillValue = fillValue, Rescale = rescale, Semantics = semantics };
            AssertBitIdentical(height, width, ink, random, wide);
            AssertBitIdentical(height, width, ink, random, tutorial);
        }
    }

    private static void AssertBitIdentical(int height, int width, string ink, Random random, AugmentationOptions options)
    {
        var vector = new Augmenter(options, height, width) { VectorPath = true };
        var scalar = new Augmenter(options, height, width) { VectorPath = false };
        var expected = new float[height * width];
        var actual = new float[height * width];
        for (int i = 0; i < 1500; i++)
        {
            var source = SparseImage(height, width, ink, random);
            var parameters = vector.Draw(random);
            scalar.Apply(parameters, source, expected);
            vector.Apply(parameters, source, actual);
            for (int p = 0; p < expected.Length; p++)
            {
                if (BitConverter.SingleToInt32Bits(expected[p]) != BitConverter.SingleToInt32Bits(actual[p]))
                {
                    Assert.Fail($"{options.Semantics}, transform {i} {parameters}: pixel ({p / width}, {p % width}) is {actual[p]:R}, the scalar path gives {expected[p]:R}.");
                }
            }
        }
    }

    /// <summary>Noise everywhere; one filled rectangle somewhere (often touching an edge); nothing; or one to three single pixels.</summary>
    private static byte[] SparseImage(int height, int width, string ink, Random random)
    {
        var image = new byte[height * width];
        switch (ink)
        {
            case "noise":
                random.NextBytes(image);
                break;
            case "blob":
                int top = random.Next(height), left = random.Next(width);
                int bottom = Math.Min(height, top + 1 + random.Next(height / 2)), right = Math.Min(width, left + 1 + random.Next(width / 2));
                for (int r = top; r < bottom; r++)
                {
                    for (int c = left; c < right; c++)
                    {
                        image[r * width + c] = (byte)random.Next(1, 256);
                    }
                }

                break;
            case "blank":
                break;
            default:
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    image[random.Next(image.Length)] = (byte)random.Next(1, 256);
                }

                break;
        }

        return image;
    }

    public static TheoryData<bool, AugmentSemantics> FlipsAndSemantics => new()
    {
        { true, AugmentSemantics.AsNamed },
        { false, AugmentSemantics.AsNamed },
        { true, AugmentSemantics.TfKeras },
        { false, AugmentSemantics.TfKeras },
        { true, AugmentSemantics.KerasPreprocessing112 },
        { false, AugmentSemantics.KerasPreprocessing112 },
    };

    [Theory]
    [MemberData(nameof(FlipsAndSemantics))]
    public void Apply_BlankMargins_MatchScalarSamplingOfTheWholeImage(bool horizontalFlip, AugmentSemantics semantics)
    {
        var options = new AugmentationOptions { RotationRange = 30, ZoomRange = 0.3, HorizontalFlip = horizontalFlip, Semantics = semantics };
        var vector = new Augmenter(options, Size, Size) { VectorPath = true };
        var scalar = new Augmenter(options, Size, Size) { VectorPath = false };
        var source = new byte[Size * Size];
        var ink = RandomImage(Size, Size, seed: 12);
        for (int r = 9; r < 17; r++)
        {
            ink.AsSpan(r * Size + 6, 14).CopyTo(source.AsSpan(r * Size + 6));
        }

        var random = new Random(13);
        var expected = new float[Size * Size];
        var actual = new float[Size * Size];
        for (int i = 0; i < 300; i++)
        {
            var parameters = vector.Draw(random) with { Tx = random.Next(-12, 13) };
            scalar.Apply(parameters, source, expected);
            vector.Apply(parameters, source, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Draw_ShiftRanges_AreFractionsBelowOneAndPixelsAbove()
    {
        var options = TestDigits.NoTransform();
        options.WidthShiftRange = 0.1;
        options.HeightShiftRange = 3;
        var augmenter = new Augmenter(options, Size, Size);
        var random = new Random(10);

        var draws = Enumerable.Range(0, 2000).Select(_ => augmenter.Draw(random)).ToArray();

        Assert.All(draws, d => Assert.InRange(Math.Abs(d.Ty), 0, 2.8));
        Assert.All(draws, d => Assert.InRange(Math.Abs(d.Tx), 0, 3));
        Assert.True(draws.Max(d => Math.Abs(d.Ty)) > 2.7);
        Assert.True(draws.Max(d => Math.Abs(d.Tx)) > 2.9);
    }

    [Fact]
    public void Draw_Defaults_StayWithinTutorialRanges()
    {
        var augmenter = new Augmenter(new AugmentationOptions(), Size, Size);
        var random = new Random(11);

        var draws = Enumerable.Range(0, 2000).Select(_ => augmenter.Draw(random)).ToArray();

        Assert.All(draws, d =>
        {
            Assert.InRange(d.Theta, -5, 5);
            Assert.InRange(d.Tx, -0.05 * Size, 0.05 * Size);
            Assert.InRange(d.Ty, -0.1 * Size, 0.1 * Size);
            Assert.InRange(d.Zx, 0.9, 1.1);
            Assert.InRange(d.Zy, 0.9, 1.1);
            Assert.Equal(0, d.Shear);
            Assert.False(d.FlipHorizontal || d.FlipVertical);
        });
        Assert.True(draws.Count(d => d.Zx != d.Zy) > 1990);
    }

    public static TheoryData<bool, AugmentSemantics> PathsAndSemantics => new()
    {
        { true, AugmentSemantics.AsNamed },
        { false, AugmentSemantics.AsNamed },
        { true, AugmentSemantics.TfKeras },
        { false, AugmentSemantics.TfKeras },
        { true, AugmentSemantics.KerasPreprocessing112 },
        { false, AugmentSemantics.KerasPreprocessing112 },
    };

    /// <summary>
    /// A zoom factor z above 1 samples the input z times further from the centre, so the content shrinks by 1/z: a 20-pixel
    /// square becomes at most 17 pixels of ink (16 plus one of bilinear edge), inside where it was. Zooming by 1/z instead
    /// would grow it to 25.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndSemantics))]
    public void Apply_ZoomAboveOne_ShrinksContentTowardTheCentre(bool vectorPath, AugmentSemantics semantics)
    {
        var options = TestDigits.NoTransform();
        options.Semantics = semantics;
        var augmenter = new Augmenter(options, Size, Size) { VectorPath = vectorPath };
        var source = new byte[Size * Size];
        for (int r = 4; r < 24; r++)
        {
            source.AsSpan(r * Size + 4, 20).Fill(200);
        }

        var output = new float[Size * Size];

        augmenter.Apply(AugmentParameters.Identity with { Zx = 1.25, Zy = 1.25 }, source, output);

        var inked = Enumerable.Range(0, output.Length).Where(p => output[p] > 0).ToArray();
        int top = inked.Min(p => p / Size), bottom = inked.Max(p => p / Size);
        int left = inked.Min(p => p % Size), right = inked.Max(p => p % Size);
        Assert.True(top > 4 && bottom < 23 && left > 4 && right < 23, $"ink rows {top}-{bottom}, columns {left}-{right}");
        Assert.InRange(bottom - top + 1, 15, 17);
        Assert.InRange(right - left + 1, 15, 17);
    }

    [Fact]
    public void Constructor_UnknownFillMode_Throws()
    {
        var options = new AugmentationOptions { FillMode = (FillMode)9 };

        Assert.Throws<ArgumentException>(() => new Augmenter(options, Size, Size));
    }

    private static byte[] RandomImage(int height, int width, int seed)
    {
        var image = new byte[height * width];
        new Random(seed).NextBytes(image);
        return image;
    }
}
