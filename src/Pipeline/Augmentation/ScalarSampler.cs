namespace Siamese.Pipeline;

/// <summary>
/// The reference sampler, and the specification the fast path is tested against: bilinear sampling (scipy
/// <c>ndimage</c> with <c>order=1</c>) of every output pixel at the point its <see cref="AffineMap"/> gives, then
/// rescaling. Handles every fill mode.
/// </summary>
/// <remarks>
/// Fill modes follow scipy's <c>ndimage</c>: with <c>constant</c> a sample point outside the image (beyond
/// <see cref="Tolerance"/> for rounding) takes the fill value and one inside is interpolated from in-image pixels only;
/// the other modes extend the image and interpolate across the edge: <c>wrap</c> either with the image's own period
/// (scipy's <c>grid-wrap</c>) or, with <c>scipyWrap</c>, as scipy's <c>wrap</c>, which Keras passes on: the coordinate
/// wraps with period size − 1, so the first and last pixels coincide. The fill value is in raw pixel units and is
/// rescaled with the image, as in Keras, where <c>rescale</c> is applied after the transform. Sample points are
/// computed in float: the row's start in double rounded to float, then one fused multiply-add per column.
/// </remarks>
internal sealed class ScalarSampler
{
    /// <summary>How far (in pixels) outside the image a point may fall and still count as inside, for <c>constant</c>.</summary>
    public const float Tolerance = 1e-4f;

    private readonly int _height;
    private readonly int _width;
    private readonly FillMode _fillMode;
    private readonly float _fillValue;
    private readonly float _rescale;
    private readonly bool _scipyWrap;

    public ScalarSampler(int height, int width, FillMode fillMode, float fillValue, float rescale, bool scipyWrap)
    {
        _height = height;
        _width = width;
        _fillMode = fillMode;
        _fillValue = fillValue;
        _rescale = rescale;
        _scipyWrap = scipyWrap && fillMode == FillMode.Wrap;
    }

    public void Sample(in AffineMap map, ReadOnlySpan<byte> source, Span<float> destination)
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
        else if (_scipyWrap)
        {
            y = WrapCoordinate(y, _height);
            x = WrapCoordinate(x, _width);
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

    /// <summary>scipy's <c>map_coordinate</c> for <c>wrap</c>: into [0, length − 1], with period length − 1.</summary>
    private static float WrapCoordinate(float coordinate, int length)
    {
        if (length <= 1)
        {
            return 0;
        }

        int period = length - 1;
        if (coordinate < 0)
        {
            return coordinate + period * ((int)(-coordinate / period) + 1);
        }

        return coordinate > period ? coordinate - period * (int)(coordinate / period) : coordinate;
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
}
