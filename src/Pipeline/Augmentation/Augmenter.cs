namespace Siamese.Pipeline;

/// <summary>
/// Keras <c>ImageDataGenerator</c> augmentation of single-channel images: a random affine transform (rotation,
/// shift, shear, zoom) about the image centre, flips, bilinear sampling (scipy <c>order=1</c>), then rescaling.
/// </summary>
/// <remarks>
/// <para>
/// Drawing parameters (<see cref="Draw"/>, cheap; see <see cref="RandomTransform"/>) is separate from the pixel work
/// (<see cref="Apply"/>), so a stream can be fast-forwarded by replaying draws alone.
/// </para>
/// <para>
/// Signs, as Keras computes them (output pixel (r, c) samples the input at the mapped point), with the default
/// <see cref="AugmentSemantics.AsNamed"/>: positive theta turns the content clockwise as displayed with row 0 at the
/// top; positive tx moves the content up (towards row 0) and positive ty moves it left; a zoom factor above 1 shrinks
/// the content. <see cref="AugmentSemantics.TfKeras"/> swaps the axes: positive tx moves the content left, ty up,
/// theta turns it anticlockwise, zx scales columns. <see cref="AugmentSemantics.KerasPreprocessing112"/> is
/// <c>AsNamed</c> about a centre one pixel further down and right (see <see cref="AffineMap"/>). With every range 0
/// and no flip the output is the input times the rescale factor, exactly.
/// </para>
/// <para>
/// The pixel work is done by <see cref="ScalarSampler"/>, the reference for every fill mode, or, for <c>constant</c>
/// fill on x86 with AVX2, by <see cref="Avx2ConstantSampler"/>, which gives the same bits. Not thread-safe: the
/// samplers own scratch buffers. Use one instance per producer. The hot path allocates nothing.
/// </para>
/// </remarks>
public sealed class Augmenter
{
    private readonly int _height;
    private readonly int _width;
    private readonly float _rescale;
    private readonly AugmentSemantics _semantics;
    private readonly RandomTransform _draws;
    private readonly ScalarSampler _scalar;

    /// <summary>The fast sampler; null unless the fill mode is <c>constant</c>.</summary>
    private readonly Avx2ConstantSampler? _vector;

    public Augmenter(AugmentationOptions options, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!Enum.IsDefined(options.FillMode) || !Enum.IsDefined(options.Semantics))
        {
            throw new ArgumentException($"Unknown fill mode {options.FillMode} or augmentation semantics {options.Semantics}.", nameof(options));
        }

        var fillMode = options.FillMode;
        _semantics = options.Semantics;
        _height = height;
        _width = width;
        _rescale = (float)options.Rescale;
        float fillValue = (float)options.FillValue;
        _draws = new RandomTransform(options, height, width);
        // The Keras semantics hand fill_mode to scipy as is, and scipy's "wrap" is not periodic with the image size.
        _scalar = new ScalarSampler(height, width, fillMode, fillValue, _rescale, scipyWrap: _semantics != AugmentSemantics.AsNamed);
        _vector = fillMode == FillMode.Constant ? new Avx2ConstantSampler(height, width, fillValue, _rescale) : null;
        VectorPath = Avx2ConstantSampler.IsSupported(width);
    }

    /// <summary>An augmenter that only rescales: no random transform, no random draws.</summary>
    public static Augmenter RescaleOnly(double rescale, int height, int width) =>
        new(AugmentationOptions.NoTransform(rescale), height, width);

    public int Height => _height;

    public int Width => _width;

    /// <summary>Whether the AVX2 sampler is used for <c>constant</c> fill; tests switch it off to compare paths.</summary>
    internal bool VectorPath { get; set; }

    public AugmentParameters Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return _draws.Draw(random);
    }

    /// <summary>Transforms one image of raw 0–255 bytes into <paramref name="destination"/>, row-major floats.</summary>
    public void Apply(in AugmentParameters parameters, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int size = _height * _width;
        if (source.Length != size)
        {
            throw new ArgumentException($"Expected {size} source pixels, got {source.Length}.", nameof(source));
        }

        if (destination.Length < size)
        {
            throw new ArgumentException($"Expected room for {size} pixels, got {destination.Length}.", nameof(destination));
        }

        var map = AffineMap.Create(parameters, _height, _width, _semantics);
        if (map.IsIdentity)
        {
            PixelScale.Rescale(source, destination, _rescale);
        }
        else if (_vector is not null && VectorPath)
        {
            _vector.Sample(map, source, destination);
        }
        else
        {
            _scalar.Sample(map, source, destination);
        }
    }
}
