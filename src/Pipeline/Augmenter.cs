using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Siamese.Pipeline;

/// <summary>
/// Keras <c>ImageDataGenerator</c> augmentation of single-channel images: a random affine transform (rotation,
/// shift, shear, zoom) about the image centre, flips, bilinear sampling (scipy <c>order=1</c>), then rescaling.
/// </summary>
/// <remarks>
/// <para>
/// Drawing parameters (<see cref="Draw"/>, cheap) is separate from the pixel work (<see cref="Apply"/>), so a stream
/// can be fast-forwarded by replaying draws alone. Draws follow <c>get_random_transform</c>: theta, then tx from the
/// height shift range (times the height when the range is below 1), ty from the width shift range, shear, zx and zy,
/// the flips; a parameter whose range is 0 draws nothing.
/// </para>
/// <para>
/// Signs, as Keras computes them (output pixel (r, c) samples the input at the mapped point): positive theta turns
/// the content clockwise as displayed with row 0 at the top; positive tx moves the content up (towards row 0) and
/// positive ty moves it left; a zoom factor above 1 shrinks the content. With every range 0 and no flip the output is
/// the input times the rescale factor, exactly.
/// </para>
/// <para>
/// Fill modes follow scipy's <c>ndimage</c>: with <c>constant</c> a sample point outside the image (beyond a
/// 1e-4 pixel tolerance for rounding) takes the fill value and one inside is interpolated from in-image pixels only;
/// the other modes extend the image and interpolate across the edge. The fill value is in raw pixel units and is
/// rescaled with the image, as in Keras, where <c>rescale</c> is applied after the transform.
/// </para>
/// <para>
/// Not thread-safe: it owns scratch buffers. Use one instance per producer. The hot path allocates nothing; on x86
/// with AVX2 the <c>constant</c> mode samples eight pixels at a time from a table holding each pixel's four bilinear
/// neighbours packed in one 32-bit word, so one gather fetches all four.
/// </para>
/// </remarks>
public sealed class Augmenter
{
    private const float Tolerance = 1e-4f;

    private readonly int _height;
    private readonly int _width;
    private readonly float _rescale;
    private readonly float _fillValue;
    private readonly FillMode _fillMode;
    private readonly double _rotationRange;
    private readonly double _heightShift;
    private readonly double _widthShift;
    private readonly double _shearRange;
    private readonly double _zoomRange;
    private readonly bool _horizontalFlip;
    private readonly bool _verticalFlip;

    private readonly int _quadStride;
    private readonly byte[] _padded;
    private readonly int[] _quads;

    // The flat sampler's per-step tables (see SampleConstantFlatAvx2): the first pixel, the output row of the first
    // and of the last lane, the column of every lane, and which lanes lie on the second row.
    private readonly int _steps;
    private readonly int[] _stepStart;
    private readonly int[] _stepRow;
    private readonly int[] _stepLastRow;
    private readonly float[] _stepColumns;
    private readonly int[] _stepNextRowMask;
    private readonly float[] _rowStarts;
    private readonly float[] _colStarts;
    private readonly int[] _rowSampled;

    public Augmenter(AugmentationOptions options, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!AugmentationOptions.TryParseFillMode(options.FillMode, out _fillMode))
        {
            throw new ArgumentException($"Unknown fill mode '{options.FillMode}'.", nameof(options));
        }

        _height = height;
        _width = width;
        _rescale = (float)options.Rescale;
        _fillValue = (float)options.FillValue;
        _rotationRange = options.RotationRange;
        _heightShift = options.HeightShiftRange < 1 ? options.HeightShiftRange * height : options.HeightShiftRange;
        _widthShift = options.WidthShiftRange < 1 ? options.WidthShiftRange * width : options.WidthShiftRange;
        _shearRange = options.ShearRange;
        _zoomRange = options.ZoomRange;
        _horizontalFlip = options.HorizontalFlip;
        _verticalFlip = options.VerticalFlip;

        _quadStride = (width + 15) & ~15;
        _padded = new byte[height * width + _quadStride + 32];
        _quads = new int[height * _quadStride];
        VectorPath = Avx2.IsSupported && Fma.IsSupported && width >= Vector256<float>.Count;

        int lanes = Vector256<float>.Count;
        int size = height * width;
        _steps = size >= lanes ? (size + lanes - 1) / lanes : 0;
        _stepStart = new int[_steps];
        _stepRow = new int[_steps];
        _stepLastRow = new int[_steps];
        _stepColumns = new float[_steps * lanes];
        _stepNextRowMask = new int[_steps * lanes];
        for (int k = 0; k < _steps; k++)
        {
            // The last step overlaps the previous one when the image size is not a multiple of 8.
            int start = Math.Min(k * lanes, size - lanes);
            _stepStart[k] = start;
            _stepRow[k] = start / width;
            _stepLastRow[k] = (start + lanes - 1) / width;
            for (int lane = 0; lane < lanes; lane++)
            {
                int pixel = start + lane;
                _stepColumns[k * lanes + lane] = pixel % width;
                _stepNextRowMask[k * lanes + lane] = pixel / width == _stepRow[k] ? 0 : -1;
            }
        }

        _rowStarts = new float[height + 1];
        _colStarts = new float[height + 1];
        _rowSampled = new int[height + 1];
    }

    /// <summary>An augmenter that only rescales: no random transform, no random draws.</summary>
    public static Augmenter RescaleOnly(double rescale, int height, int width) => new(
        new AugmentationOptions
        {
            RotationRange = 0,
            WidthShiftRange = 0,
            HeightShiftRange = 0,
            ZoomRange = 0,
            ShearRange = 0,
            Rescale = rescale,
        },
        height,
        width);

    public int Height => _height;

    public int Width => _width;

    /// <summary>Whether the AVX2 sampler is used for <c>constant</c> fill; tests switch it off to compare paths.</summary>
    internal bool VectorPath { get; set; }

    /// <summary>
    /// Whether the AVX2 sampler walks the image as one flat stream of pixels (the default) rather than row by row;
    /// both give the same bits, and tests compare them.
    /// </summary>
    internal bool FlatVectorPath { get; set; } = true;

    public AugmentParameters Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double theta = _rotationRange > 0 ? Uniform(random, _rotationRange) : 0;
        double tx = _heightShift > 0 ? Uniform(random, _heightShift) : 0;
        double ty = _widthShift > 0 ? Uniform(random, _widthShift) : 0;
        double shear = _shearRange > 0 ? Uniform(random, _shearRange) : 0;
        double zx = 1, zy = 1;
        if (_zoomRange > 0)
        {
            zx = 1 + Uniform(random, _zoomRange);
            zy = 1 + Uniform(random, _zoomRange);
        }

        bool flipHorizontal = _horizontalFlip && random.NextDouble() < 0.5;
        bool flipVertical = _verticalFlip && random.NextDouble() < 0.5;
        return new AugmentParameters(theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical);
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

        var map = AffineMap.Create(parameters, _height, _width);
        if (map.IsIdentity)
        {
            Rescale(source, destination);
        }
        else if (_fillMode == FillMode.Constant && VectorPath)
        {
            if (FlatVectorPath)
            {
                SampleConstantFlatAvx2(map, source, destination);
            }
            else
            {
                SampleConstantAvx2(map, source, destination);
            }
        }
        else
        {
            SampleScalar(map, source, destination);
        }
    }

    private static double Uniform(Random random, double range) => -range + 2 * range * random.NextDouble();

    private unsafe void Rescale(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        fixed (byte* src = source)
        fixed (float* dst = destination)
        {
            if (Avx2.IsSupported)
            {
                var scale = Vector256.Create(_rescale);
                for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var pixels = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(src + i));
                    (pixels * scale).Store(dst + i);
                }
            }

            for (; i < source.Length; i++)
            {
                dst[i] = src[i] * _rescale;
            }
        }
    }

    private void SampleScalar(in AffineMap map, ReadOnlySpan<byte> source, Span<float> destination)
    {
        float rowPerCol = (float)map.RowPerCol;
        float colPerCol = (float)map.ColPerCol;
        for (int r = 0; r < _height; r++)
        {
            float rowStart = (float)(map.Row0 + map.RowPerRow * r);
            float colStart = (float)(map.Col0 + map.ColPerRow * r);
            var output = destination.Slice(r * _width, _width);
            for (int c = 0; c < _width; c++)
            {
                float y = MathF.FusedMultiplyAdd(rowPerCol, c, rowStart);
                float x = MathF.FusedMultiplyAdd(colPerCol, c, colStart);
                output[c] = Sample(source, y, x) * _rescale;
            }
        }
    }

    private float Sample(ReadOnlySpan<byte> source, float y, float x)
    {
        if (_fillMode == FillMode.Constant)
        {
            if (!(y >= -Tolerance && y <= _height - 1 + Tolerance && x >= -Tolerance && x <= _width - 1 + Tolerance))
            {
                return _fillValue;
            }

            y = Math.Clamp(y, 0, _height - 1);
            x = Math.Clamp(x, 0, _width - 1);
        }

        float yFloor = MathF.Floor(y);
        float xFloor = MathF.Floor(x);
        float fy = y - yFloor;
        float fx = x - xFloor;
        int r0 = (int)yFloor;
        int c0 = (int)xFloor;
        int row0 = MapIndex(r0, _height) * _width;
        int row1 = MapIndex(r0 + 1, _height) * _width;
        int col0 = MapIndex(c0, _width);
        int col1 = MapIndex(c0 + 1, _width);

        float p00 = source[row0 + col0];
        float p01 = source[row0 + col1];
        float p10 = source[row1 + col0];
        float p11 = source[row1 + col1];
        float top = MathF.FusedMultiplyAdd(fx, p01 - p00, p00);
        float bottom = MathF.FusedMultiplyAdd(fx, p11 - p10, p10);
        return MathF.FusedMultiplyAdd(fy, bottom - top, top);
    }

    private int MapIndex(int index, int length)
    {
        if ((uint)index < (uint)length)
        {
            return index;
        }

        switch (_fillMode)
        {
            case FillMode.Reflect:
                int period = 2 * length;
                int m = ((index % period) + period) % period;
                return m < length ? m : period - 1 - m;
            case FillMode.Wrap:
                return ((index % length) + length) % length;
            default:
                return Math.Clamp(index, 0, length - 1);
        }
    }

    /// <summary>
    /// Packs, for every pixel (r, c), the bytes of (r, c), (r, c+1), (r+1, c) and (r+1, c+1) into one int. Neighbours
    /// past the right or bottom edge are whatever follows in the buffer (the next row, or zero padding): the
    /// sampler only reaches them with weight 0, because in <c>constant</c> mode coordinates are clamped to the image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void BuildQuads(ReadOnlySpan<byte> source)
    {
        source.CopyTo(_padded);
        fixed (byte* padded = _padded)
        fixed (int* quads = _quads)
        {
            for (int r = 0; r < _height; r++)
            {
                byte* row = padded + r * _width;
                byte* below = row + _width;
                uint* output = (uint*)(quads + r * _quadStride);
                for (int c = 0; c < _quadStride; c += 16)
                {
                    var left = Sse2.LoadVector128(row + c);
                    var right = Sse2.LoadVector128(row + c + 1);
                    var belowLeft = Sse2.LoadVector128(below + c);
                    var belowRight = Sse2.LoadVector128(below + c + 1);
                    var topLow = Sse2.UnpackLow(left, right).AsUInt16();
                    var topHigh = Sse2.UnpackHigh(left, right).AsUInt16();
                    var bottomLow = Sse2.UnpackLow(belowLeft, belowRight).AsUInt16();
                    var bottomHigh = Sse2.UnpackHigh(belowLeft, belowRight).AsUInt16();
                    Sse2.Store(output + c, Sse2.UnpackLow(topLow, bottomLow).AsUInt32());
                    Sse2.Store(output + c + 4, Sse2.UnpackHigh(topLow, bottomLow).AsUInt32());
                    Sse2.Store(output + c + 8, Sse2.UnpackLow(topHigh, bottomHigh).AsUInt32());
                    Sse2.Store(output + c + 12, Sse2.UnpackHigh(topHigh, bottomHigh).AsUInt32());
                }
            }
        }
    }

    /// <summary>
    /// Samples eight output pixels per step. With a zero fill value, output rows that only reach blank source rows
    /// (MNIST's margins) are stored as zeros without sampling, which gives the same bits as sampling them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void SampleConstantAvx2(in AffineMap map, ReadOnlySpan<byte> source, Span<float> destination)
    {
        BuildQuads(source);
        var (firstInked, lastInked) = InkedRows(source);
        bool skipBlank = _fillValue == 0;
        float rowPerColScalar = (float)map.RowPerCol;
        var rowPerCol = Vector256.Create(rowPerColScalar);
        var colPerCol = Vector256.Create((float)map.ColPerCol);
        var lanes = Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);
        var lowest = Vector256.Create(-Tolerance);
        var lastRow = Vector256.Create((float)(_height - 1));
        var lastCol = Vector256.Create((float)(_width - 1));
        var rowLimit = Vector256.Create(_height - 1 + Tolerance);
        var colLimit = Vector256.Create(_width - 1 + Tolerance);
        var stride = Vector256.Create(_quadStride);
        var fill = Vector256.Create(_fillValue);
        var scale = Vector256.Create(_rescale);
        var byte0 = Byte0;
        var byte1 = Byte1;
        var byte2 = Byte2;
        var byte3 = Byte3;

        fixed (int* quads = _quads)
        fixed (float* output = destination)
        {
            for (int r = 0; r < _height; r++)
            {
                float rowStartScalar = (float)(map.Row0 + map.RowPerRow * r);
                float* outputRow = output + r * _width;
                if (skipBlank)
                {
                    // y is linear in c, so the first and last columns bound the rows sampled: floor(y) and floor(y) + 1.
                    float yFirst = rowStartScalar;
                    float yLast = MathF.FusedMultiplyAdd(rowPerColScalar, _width - 1, rowStartScalar);
                    if ((yFirst < firstInked - 1 && yLast < firstInked - 1) || (yFirst >= lastInked + 1 && yLast >= lastInked + 1))
                    {
                        destination.Slice(r * _width, _width).Clear();
                        continue;
                    }
                }

                var rowStart = Vector256.Create(rowStartScalar);
                var colStart = Vector256.Create((float)(map.Col0 + map.ColPerRow * r));
                for (int step = 0; step < _width; step += Vector256<float>.Count)
                {
                    // The last step overlaps the previous one when the width is not a multiple of 8.
                    int c = Math.Min(step, _width - Vector256<float>.Count);

                    var columns = lanes + Vector256.Create((float)c);
                    var y = Fma.MultiplyAdd(rowPerCol, columns, rowStart);
                    var x = Fma.MultiplyAdd(colPerCol, columns, colStart);
                    var inside = Avx.Compare(y, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                        & Avx.Compare(y, rowLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling)
                        & Avx.Compare(x, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                        & Avx.Compare(x, colLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling);
                    y = Avx.Min(Avx.Max(y, Vector256<float>.Zero), lastRow);
                    x = Avx.Min(Avx.Max(x, Vector256<float>.Zero), lastCol);

                    var yFloor = Avx.ConvertToVector256Int32WithTruncation(y);
                    var xFloor = Avx.ConvertToVector256Int32WithTruncation(x);
                    var fy = y - Avx.ConvertToVector256Single(yFloor);
                    var fx = x - Avx.ConvertToVector256Single(xFloor);

                    var quad = Avx2.GatherVector256(quads, Avx2.MultiplyLow(yFloor, stride) + xFloor, 4).AsByte();
                    var p00 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte0).AsInt32());
                    var p01 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte1).AsInt32());
                    var p10 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte2).AsInt32());
                    var p11 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte3).AsInt32());

                    var top = Fma.MultiplyAdd(fx, p01 - p00, p00);
                    var bottom = Fma.MultiplyAdd(fx, p11 - p10, p10);
                    var value = Fma.MultiplyAdd(fy, bottom - top, top);
                    (Avx.BlendVariable(fill, value, inside) * scale).Store(outputRow + c);
                }
            }
        }
    }

    /// <summary>
    /// The same arithmetic as <see cref="SampleConstantAvx2"/>, lane for lane, but over the image as one flat stream
    /// of <c>height × width</c> pixels: eight consecutive pixels per step whatever the row they fall in (98 steps for
    /// 28×28 instead of 112 with the per-row overlap). A lane on output row r at column c computes
    /// y = fma(RowPerCol, c, rowStart[r]) and x = fma(ColPerCol, c, colStart[r]) with rowStart and colStart rounded
    /// to float once per row, exactly as the row-wise sampler does, so every output bit is the same. With zero fill, lanes
    /// on output rows that only reach blank source rows are stored as +0 (a step wholly on such rows is not sampled),
    /// as the row-wise sampler clears those rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void SampleConstantFlatAvx2(in AffineMap map, ReadOnlySpan<byte> source, Span<float> destination)
    {
        BuildQuads(source);
        var (firstInked, lastInked) = InkedRows(source);
        bool skipBlank = _fillValue == 0;
        float rowPerColScalar = (float)map.RowPerCol;
        for (int r = 0; r < _height; r++)
        {
            float rowStartScalar = (float)(map.Row0 + map.RowPerRow * r);
            _rowStarts[r] = rowStartScalar;
            _colStarts[r] = (float)(map.Col0 + map.ColPerRow * r);
            bool sampled = true;
            if (skipBlank)
            {
                // y is linear in c, so the first and last columns bound the rows sampled: floor(y) and floor(y) + 1.
                float yFirst = rowStartScalar;
                float yLast = MathF.FusedMultiplyAdd(rowPerColScalar, _width - 1, rowStartScalar);
                sampled = !((yFirst < firstInked - 1 && yLast < firstInked - 1) || (yFirst >= lastInked + 1 && yLast >= lastInked + 1));
            }

            _rowSampled[r] = sampled ? -1 : 0;
        }

        _rowStarts[_height] = _rowStarts[_height - 1];
        _colStarts[_height] = _colStarts[_height - 1];
        _rowSampled[_height] = _rowSampled[_height - 1];

        var rowPerCol = Vector256.Create(rowPerColScalar);
        var colPerCol = Vector256.Create((float)map.ColPerCol);
        var lowest = Vector256.Create(-Tolerance);
        var lastRow = Vector256.Create((float)(_height - 1));
        var lastCol = Vector256.Create((float)(_width - 1));
        var rowLimit = Vector256.Create(_height - 1 + Tolerance);
        var colLimit = Vector256.Create(_width - 1 + Tolerance);
        var stride = Vector256.Create(_quadStride);
        var fill = Vector256.Create(_fillValue);
        var scale = Vector256.Create(_rescale);
        var byte0 = Byte0;
        var byte1 = Byte1;
        var byte2 = Byte2;
        var byte3 = Byte3;
        int steps = _steps;

        fixed (int* quads = _quads)
        fixed (float* output = destination)
        fixed (int* stepStart = _stepStart)
        fixed (int* stepRow = _stepRow)
        fixed (int* stepLastRow = _stepLastRow)
        fixed (float* stepColumns = _stepColumns)
        fixed (int* stepNextRowMask = _stepNextRowMask)
        fixed (float* rowStarts = _rowStarts)
        fixed (float* colStarts = _colStarts)
        fixed (int* rowSampled = _rowSampled)
        {
            for (int k = 0; k < steps; k++)
            {
                int r = stepRow[k];
                float* outputStep = output + stepStart[k];
                if ((rowSampled[r] | rowSampled[stepLastRow[k]]) == 0)
                {
                    Vector256<float>.Zero.Store(outputStep);
                    continue;
                }

                var columns = Avx.LoadVector256(stepColumns + k * Vector256<float>.Count);
                var nextRow = Avx.LoadVector256(stepNextRowMask + k * Vector256<int>.Count).AsSingle();
                var rowStart = Avx.BlendVariable(Vector256.Create(rowStarts[r]), Vector256.Create(rowStarts[r + 1]), nextRow);
                var colStart = Avx.BlendVariable(Vector256.Create(colStarts[r]), Vector256.Create(colStarts[r + 1]), nextRow);

                var y = Fma.MultiplyAdd(rowPerCol, columns, rowStart);
                var x = Fma.MultiplyAdd(colPerCol, columns, colStart);
                var inside = Avx.Compare(y, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                    & Avx.Compare(y, rowLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling)
                    & Avx.Compare(x, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                    & Avx.Compare(x, colLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling);
                y = Avx.Min(Avx.Max(y, Vector256<float>.Zero), lastRow);
                x = Avx.Min(Avx.Max(x, Vector256<float>.Zero), lastCol);

                var yFloor = Avx.ConvertToVector256Int32WithTruncation(y);
                var xFloor = Avx.ConvertToVector256Int32WithTruncation(x);
                var fy = y - Avx.ConvertToVector256Single(yFloor);
                var fx = x - Avx.ConvertToVector256Single(xFloor);

                var quad = Avx2.GatherVector256(quads, Avx2.MultiplyLow(yFloor, stride) + xFloor, 4).AsByte();
                var p00 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte0).AsInt32());
                var p01 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte1).AsInt32());
                var p10 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte2).AsInt32());
                var p11 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, byte3).AsInt32());

                var top = Fma.MultiplyAdd(fx, p01 - p00, p00);
                var bottom = Fma.MultiplyAdd(fx, p11 - p10, p10);
                var value = Fma.MultiplyAdd(fy, bottom - top, top);
                var result = Avx.BlendVariable(fill, value, inside) * scale;

                // Lanes on a row that only reaches blank source rows are +0, as the row-wise sampler clears them.
                var keep = Avx.BlendVariable(Vector256.Create(rowSampled[r]).AsSingle(), Vector256.Create(rowSampled[r + 1]).AsSingle(), nextRow);
                (result & keep).Store(outputStep);
            }
        }
    }

    /// <summary>Byte-shuffle masks moving byte k of every 32-bit lane to its low byte, zeroing the rest.</summary>
    private static readonly Vector256<byte> Byte0 = Vector256.Create(0, 0x80, 0x80, 0x80, 4, 0x80, 0x80, 0x80, 8, 0x80, 0x80, 0x80, 12, 0x80, 0x80, 0x80, 0, 0x80, 0x80, 0x80, 4, 0x80, 0x80, 0x80, 8, 0x80, 0x80, 0x80, 12, 0x80, 0x80, (byte)0x80);

    private static readonly Vector256<byte> Byte1 = Vector256.Create(1, 0x80, 0x80, 0x80, 5, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80, 13, 0x80, 0x80, 0x80, 1, 0x80, 0x80, 0x80, 5, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80, 13, 0x80, 0x80, (byte)0x80);

    private static readonly Vector256<byte> Byte2 = Vector256.Create(2, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 10, 0x80, 0x80, 0x80, 14, 0x80, 0x80, 0x80, 2, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 10, 0x80, 0x80, 0x80, 14, 0x80, 0x80, (byte)0x80);

    private static readonly Vector256<byte> Byte3 = Vector256.Create(3, 0x80, 0x80, 0x80, 7, 0x80, 0x80, 0x80, 11, 0x80, 0x80, 0x80, 15, 0x80, 0x80, 0x80, 3, 0x80, 0x80, 0x80, 7, 0x80, 0x80, 0x80, 11, 0x80, 0x80, 0x80, 15, 0x80, 0x80, (byte)0x80);

    /// <summary>The first and last source rows holding a non-zero pixel, or (height, -1) for a blank image.</summary>
    private (int First, int Last) InkedRows(ReadOnlySpan<byte> source)
    {
        int first = 0;
        while (first < _height && !source.Slice(first * _width, _width).ContainsAnyExcept((byte)0))
        {
            first++;
        }

        if (first == _height)
        {
            return (_height, -1);
        }

        int last = _height - 1;
        while (!source.Slice(last * _width, _width).ContainsAnyExcept((byte)0))
        {
            last--;
        }

        return (first, last);
    }
}
