using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Siamese.Pipeline;

/// <summary>
/// The fast <c>constant</c>-fill sampler for x86 with AVX2 and FMA: bit for bit the output of
/// <see cref="ScalarSampler"/>, eight pixels at a time, from a table holding each pixel's four bilinear neighbours
/// packed in one 32-bit word, so one gather fetches all four. With a +0 fill value it samples only each row's window
/// that can reach ink. Needs a width of at least eight. Not thread-safe: it owns its scratch buffers.
/// </summary>
internal sealed class Avx2ConstantSampler
{
    private readonly int _height;
    private readonly int _width;
    private readonly float _fillValue;
    private readonly float _rescale;

    private readonly int _quadStride;
    private readonly byte[] _padded;
    private readonly int _tailRow;
    private readonly int[] _quads;

    private readonly byte _quadShift;
    private readonly uint _rowMask;

    // Whether only the ink windows are sampled: the fill must be +0 and a row's ink must fit one mask.
    private readonly bool _inkWindow;

    // The plan for each output row (see PlanRows), padded to a multiple of eight rows.
    private readonly float[] _rowStart;
    private readonly float[] _colStart;
    private readonly int[] _firstColumn;
    private readonly int[] _lastColumn;
    private readonly int[] _rowWithin;

    public Avx2ConstantSampler(int height, int width, float fillValue, float rescale)
    {
        _height = height;
        _width = width;
        _fillValue = fillValue;
        _rescale = rescale;

        // A power of two, so a quad's index is (row << shift) + column.
        _quadStride = (int)BitOperations.RoundUpToPowerOf2((uint)((width + 15) & ~15));
        _quadShift = (byte)BitOperations.Log2((uint)_quadStride);
        _rowMask = width < 32 ? (1u << width) - 1 : uint.MaxValue;
        _inkWindow = BitConverter.SingleToInt32Bits(_fillValue) == 0 && width <= 32;
        int plannedRows = (height + Vector256<float>.Count - 1) & ~(Vector256<float>.Count - 1);
        _rowStart = new float[plannedRows];
        _colStart = new float[plannedRows];
        _firstColumn = new int[plannedRows];
        _lastColumn = new int[plannedRows];
        _rowWithin = new int[plannedRows];
        while ((_tailRow + 1) * width + _quadStride < height * width)
        {
            _tailRow++;
        }

        _padded = new byte[((height - _tailRow) * width) + _quadStride + 32];
        _quads = new int[height * _quadStride];
    }

    /// <summary>Whether this machine and an image <paramref name="width"/> pixels wide can use the sampler.</summary>
    public static bool IsSupported(int width) => Avx2.IsSupported && Fma.IsSupported && width >= Vector256<float>.Count;

    /// <summary>
    /// Samples eight output pixels of a row per step, lane for lane the arithmetic of <see cref="ScalarSampler"/>, so the
    /// output is the same to the bit. With a +0 fill value only each row's ink window (<see cref="PlanRows"/>) is
    /// sampled: every other pixel has four zero neighbours or lies outside the image, and both give 0 × rescale.
    /// A row whose window lies within the image skips the outside test and the clamping, which change nothing there;
    /// its steps' lanes outside the window read nothing and come out blank.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Sample(in AffineMap map, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var ink = BuildQuads(source);
        PlanRows(map, ink);
        var rowPerCol = Vector256.Create((float)map.RowPerCol);
        var colPerCol = Vector256.Create((float)map.ColPerCol);
        var lanes = Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);
        var lowest = Vector256.Create(-ScalarSampler.Tolerance);
        var lastRow = Vector256.Create((float)(_height - 1));
        var lastCol = Vector256.Create((float)(_width - 1));
        var rowLimit = Vector256.Create(_height - 1 + ScalarSampler.Tolerance);
        var colLimit = Vector256.Create(_width - 1 + ScalarSampler.Tolerance);
        var fill = Vector256.Create(_fillValue);
        var scale = Vector256.Create(_rescale);
        var blank = Vector256.Create(0f * _rescale);
        var quadShift = Vector128.CreateScalar((int)_quadShift);
        int lastStep = _width - Vector256<float>.Count;

        fixed (int* quads = _quads)
        fixed (float* output = destination)
        {
            for (int r = 0; r < _height; r++)
            {
                int first = _firstColumn[r], last = _lastColumn[r];
                float* outputRow = output + r * _width;
                if (_inkWindow)
                {
                    // Row by row rather than one fill of the image, so the stores' cache misses overlap the sampling.
                    for (int c = 0; c < _width; c += Vector256<float>.Count)
                    {
                        blank.Store(outputRow + Math.Min(c, lastStep));
                    }
                }

                var rowStart = Vector256.Create(_rowStart[r]);
                var colStart = Vector256.Create(_colStart[r]);

                // A step that would run past the row moves back; it recomputes a few pixels, to the same values.
                if (_rowWithin[r] != 0)
                {
                    // Lanes of a step outside the window (in the row's first and last steps) may map outside the image:
                    // they read nothing. Their neighbours count as zero, which interpolates to exactly the blank
                    // (0 × rescale) that sampling them would give.
                    var firstColumn = Vector256.Create((float)first);
                    var lastColumn = Vector256.Create((float)last);
                    for (int step = first; step <= last; step += Vector256<float>.Count)
                    {
                        int c = Math.Min(step, lastStep);
                        var columns = lanes + Vector256.Create((float)c);
                        var y = Fma.MultiplyAdd(rowPerCol, columns, rowStart);
                        var x = Fma.MultiplyAdd(colPerCol, columns, colStart);
                        var wanted = Vector256.GreaterThanOrEqual(columns, firstColumn) & Vector256.LessThanOrEqual(columns, lastColumn);
                        (Interpolate(quads, y, x, quadShift, wanted.AsInt32()) * scale).Store(outputRow + c);
                    }

                    continue;
                }

                for (int step = first; step <= last; step += Vector256<float>.Count)
                {
                    int c = Math.Min(step, lastStep);
                    var columns = lanes + Vector256.Create((float)c);
                    var y = Fma.MultiplyAdd(rowPerCol, columns, rowStart);
                    var x = Fma.MultiplyAdd(colPerCol, columns, colStart);
                    var inside = Avx.Compare(y, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                        & Avx.Compare(y, rowLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling)
                        & Avx.Compare(x, lowest, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling)
                        & Avx.Compare(x, colLimit, FloatComparisonMode.OrderedLessThanOrEqualNonSignaling);
                    y = Avx.Min(Avx.Max(y, Vector256<float>.Zero), lastRow);
                    x = Avx.Min(Avx.Max(x, Vector256<float>.Zero), lastCol);
                    var value = Interpolate(quads, y, x, quadShift, Vector256<int>.AllBitsSet);
                    (Avx.BlendVariable(fill, value, inside) * scale).Store(outputRow + c);
                }
            }
        }
    }

    /// <summary>
    /// Packs, for every pixel (r, c), the bytes of (r, c), (r, c+1), (r+1, c) and (r+1, c+1) into one int. Neighbours
    /// past the right or bottom edge are whatever follows in the buffer (the next row, or zero padding): the
    /// sampler only reaches them with weight 0, because in <c>constant</c> mode coordinates are clamped to the image.
    /// Returns the bounding box of the non-zero pixels when the sampler uses ink windows (otherwise the whole image).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe InkBounds BuildQuads(ReadOnlySpan<byte> source)
    {
        // Rows are read in place while their reads (16 bytes past a quad row of the row below) stay in the source; the
        // last rows are read from a copy followed by zeros. Copying the whole image first stalls the reads behind it.
        source[(_tailRow * _width)..].CopyTo(_padded);
        int firstRow = _height, lastRow = -1;
        uint columns = 0;
        fixed (byte* start = source)
        fixed (byte* padded = _padded)
        fixed (int* quads = _quads)
        {
            for (int r = 0; r < _height; r++)
            {
                byte* row = r < _tailRow ? start + (r * _width) : padded + ((r - _tailRow) * _width);
                byte* below = row + _width;
                uint* output = (uint*)(quads + r * _quadStride);
                uint inked = 0;
                for (int c = 0; c < _quadStride; c += 16)
                {
                    var left = Sse2.LoadVector128(row + c);
                    if (_inkWindow && c < 32)
                    {
                        inked |= (uint)(~Sse2.MoveMask(Sse2.CompareEqual(left, Vector128<byte>.Zero)) & 0xFFFF) << c;
                    }

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

                // Bytes past the row's end belong to the next row or the padding.
                inked &= _rowMask;
                if (inked != 0)
                {
                    firstRow = Math.Min(firstRow, r);
                    lastRow = r;
                    columns |= inked;
                }
            }
        }

        if (!_inkWindow)
        {
            return new InkBounds(0, _height - 1, 0, _width - 1);
        }

        return columns == 0
            ? new InkBounds(_height, -1, _width, -1)
            : new InkBounds(firstRow, lastRow, BitOperations.TrailingZeroCount(columns), 31 - BitOperations.LeadingZeroCount(columns));
    }

    /// <summary>
    /// Per output row: where its points start (rounded to float as <see cref="ScalarSampler"/> does), the columns
    /// [first, last] to sample (first > last: none), and whether every point of that window lies within the image.
    /// </summary>
    /// <remarks>
    /// With ink windows, a row samples only the columns that can reach ink. A pixel is non-zero only if
    /// one of its four neighbours (rows floor(y) and floor(y) + 1, columns floor(x) and floor(x) + 1) is inked, so
    /// only if y ∈ [i − 1, i + 1) and x ∈ [j − 1, j + 1) for an inked pixel (i, j), give or take the clamping
    /// tolerance: within one pixel of the ink's bounding box. The window keeps a margin of 0.01 pixel and one column
    /// on each side, far more than float rounding can move a point. Eight rows are planned at a time.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void PlanRows(in AffineMap map, in InkBounds ink)
    {
        // (float)(Row0 + RowPerRow * r) four rows at a time: the same double multiply, add and rounding.
        var rowIndex = Vector256.Create(0.0, 1, 2, 3);
        for (int r = 0; r < _rowStart.Length; r += Vector256<double>.Count)
        {
            var rows = rowIndex + Vector256.Create((double)r);
            Avx.ConvertToVector128Single(Vector256.Create(map.Row0) + (Vector256.Create(map.RowPerRow) * rows)).CopyTo(_rowStart, r);
            Avx.ConvertToVector128Single(Vector256.Create(map.Col0) + (Vector256.Create(map.ColPerRow) * rows)).CopyTo(_colStart, r);
        }

        const float Margin = 0.01f;
        float rowPerCol = (float)map.RowPerCol;
        float colPerCol = (float)map.ColPerCol;
        float columnsPerX = 1 / colPerCol;
        bool allColumns = !_inkWindow || !float.IsFinite(columnsPerX);
        // A blank image: every row passes "above" the ink.
        var yLow = Vector256.Create(ink.LastRow < 0 ? float.PositiveInfinity : ink.FirstRow - 1 - Margin);
        var yHigh = Vector256.Create(ink.LastRow + 1 + Margin);
        var xLow = Vector256.Create(ink.FirstColumn - 1 - Margin);
        var xHigh = Vector256.Create(ink.LastColumn + 1 + Margin);
        var perX = Vector256.Create(allColumns ? 0 : columnsPerX);
        var rowSpan = Vector256.Create(rowPerCol * (_width - 1));
        var below = Vector256.Create(-2f);
        var beyond = Vector256.Create(_width + 1f);
        var lastColumn = Vector256.Create(_width - 1);
        var one = Vector256.Create(1);
        var maxRow = Vector256.Create((float)(_height - 1));
        var maxCol = Vector256.Create((float)(_width - 1));
        var rowPerColV = Vector256.Create(rowPerCol);
        var colPerColV = Vector256.Create(colPerCol);

        fixed (float* rowStarts = _rowStart)
        fixed (float* colStarts = _colStart)
        fixed (int* firsts = _firstColumn)
        fixed (int* lasts = _lastColumn)
        fixed (int* withins = _rowWithin)
        {
            for (int r = 0; r < _rowStart.Length; r += Vector256<float>.Count)
            {
                var rowStart = Vector256.Load(rowStarts + r);
                var colStart = Vector256.Load(colStarts + r);
                var first = Vector256<int>.Zero;
                var last = lastColumn;
                if (!allColumns)
                {
                    var a = (xLow - colStart) * perX;
                    var b = (xHigh - colStart) * perX;
                    var low = Vector256.Max(Vector256.Min(a, b), below);
                    var high = Vector256.Min(Vector256.Max(a, b), beyond);
                    first = Vector256.Max(Vector256.ConvertToInt32(Vector256.Floor(low)) - one, Vector256<int>.Zero);
                    last = Vector256.Min(Vector256.ConvertToInt32(Vector256.Ceiling(high)) + one, lastColumn);
                }

                if (_inkWindow)
                {
                    // Rows whose points all pass above or all below the ink sample nothing.
                    var rowEnd = rowStart + rowSpan;
                    var blank = (Vector256.LessThan(rowStart, yLow) & Vector256.LessThan(rowEnd, yLow))
                        | (Vector256.GreaterThan(rowStart, yHigh) & Vector256.GreaterThan(rowEnd, yHigh));
                    last = Vector256.ConditionalSelect(blank.AsInt32(), Vector256.Create(-1), last);
                }

                // y and x are monotonic in the column, so if the window's ends lie within the image all of it does.
                var from = Vector256.ConvertToSingle(first);
                var to = Vector256.ConvertToSingle(last);
                var within = Within(Fma.MultiplyAdd(rowPerColV, from, rowStart), Fma.MultiplyAdd(colPerColV, from, colStart), maxRow, maxCol)
                    & Within(Fma.MultiplyAdd(rowPerColV, to, rowStart), Fma.MultiplyAdd(colPerColV, to, colStart), maxRow, maxCol);
                first.Store(firsts + r);
                last.Store(lasts + r);
                within.AsInt32().Store(withins + r);
            }
        }
    }

    private static Vector256<float> Within(Vector256<float> y, Vector256<float> x, Vector256<float> maxRow, Vector256<float> maxCol) =>
        Vector256.GreaterThanOrEqual(y, Vector256<float>.Zero) & Vector256.LessThanOrEqual(y, maxRow)
        & Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero) & Vector256.LessThanOrEqual(x, maxCol);

    /// <summary>
    /// Bilinear interpolation at eight points inside the image, from the packed neighbours in the quad table; lanes
    /// off in <paramref name="lanes"/> read nothing and interpolate four zeros, which gives +0 whatever y and x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Interpolate(int* quads, Vector256<float> y, Vector256<float> x, Vector128<int> quadShift, Vector256<int> lanes)
    {
        var yFloor = Avx.ConvertToVector256Int32WithTruncation(y);
        var xFloor = Avx.ConvertToVector256Int32WithTruncation(x);
        var fy = y - Avx.ConvertToVector256Single(yFloor);
        var fx = x - Avx.ConvertToVector256Single(xFloor);

        // Byte k of every 32-bit lane moved to its low byte, the rest zeroed: the four neighbours as integers.
        var quad = Avx2.GatherMaskVector256(Vector256<int>.Zero, quads, Avx2.ShiftLeftLogical(yFloor, quadShift) + xFloor, lanes, 4).AsByte();
        var p00 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, Vector256.Create(0, 0x80, 0x80, 0x80, 4, 0x80, 0x80, 0x80, 8, 0x80, 0x80, 0x80, 12, 0x80, 0x80, 0x80, 0, 0x80, 0x80, 0x80, 4, 0x80, 0x80, 0x80, 8, 0x80, 0x80, 0x80, 12, 0x80, 0x80, (byte)0x80)).AsInt32());
        var p01 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, Vector256.Create(1, 0x80, 0x80, 0x80, 5, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80, 13, 0x80, 0x80, 0x80, 1, 0x80, 0x80, 0x80, 5, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80, 13, 0x80, 0x80, (byte)0x80)).AsInt32());
        var p10 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, Vector256.Create(2, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 10, 0x80, 0x80, 0x80, 14, 0x80, 0x80, 0x80, 2, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 10, 0x80, 0x80, 0x80, 14, 0x80, 0x80, (byte)0x80)).AsInt32());
        var p11 = Avx.ConvertToVector256Single(Avx2.Shuffle(quad, Vector256.Create(3, 0x80, 0x80, 0x80, 7, 0x80, 0x80, 0x80, 11, 0x80, 0x80, 0x80, 15, 0x80, 0x80, 0x80, 3, 0x80, 0x80, 0x80, 7, 0x80, 0x80, 0x80, 11, 0x80, 0x80, 0x80, 15, 0x80, 0x80, (byte)0x80)).AsInt32());

        var top = Fma.MultiplyAdd(fx, p01 - p00, p00);
        var bottom = Fma.MultiplyAdd(fx, p11 - p10, p10);
        return Fma.MultiplyAdd(fy, bottom - top, top);
    }

    private readonly record struct InkBounds(int FirstRow, int LastRow, int FirstColumn, int LastColumn);
}
