namespace Siamese.Pipeline;

/// <summary>
/// The output-to-input pixel map of one transform: the source pixel sampled for output (r, c) is
/// (<see cref="Row0"/> + <see cref="RowPerRow"/>·r + <see cref="RowPerCol"/>·c,
///  <see cref="Col0"/> + <see cref="ColPerRow"/>·r + <see cref="ColPerCol"/>·c).
/// </summary>
internal readonly record struct AffineMap(double Row0, double RowPerRow, double RowPerCol, double Col0, double ColPerRow, double ColPerCol)
{
    public bool IsIdentity => Row0 == 0 && RowPerRow == 1 && RowPerCol == 0 && Col0 == 0 && ColPerRow == 0 && ColPerCol == 1;

    /// <summary>
    /// Keras's <c>apply_affine_transform</c> as run through scipy's <c>ndimage.affine_transform</c>, which maps output
    /// coordinates to input coordinates: M = R·T·S·Z composed in that order and taken about the image centre, with
    /// R = [[cos θ, −sin θ], [sin θ, cos θ]], T the shift (tx, ty), S = [[1, −sin s], [0, cos s]] and Z = diag(zx, zy),
    /// all in Keras's axis order (first, second). The flips, which Keras applies after the affine transform, are folded
    /// in by mirroring the output coordinate about the middle of the pixel grid.
    /// </summary>
    /// <remarks>
    /// <see cref="AugmentSemantics"/> says where Keras's axes and centre lie. <c>AsNamed</c>: first = row, centre
    /// ((h − 1)/2, (w − 1)/2), the middle of the pixel grid. <c>KerasPreprocessing112</c>: first = row, centre
    /// (h/2 + 0.5, w/2 + 0.5), as in every keras-preprocessing release up to 1.1.2; only its master branch (the code
    /// tf.keras 2.6+ carries) moved to (size − 1)/2. <c>TfKeras</c>: that master code, which also swaps the axes
    /// (M' = PMP), so first = column: tx moves the image horizontally, and the column's centre is (h − 1)/2 and the
    /// row's (w − 1)/2 (the same on a square image).
    /// </remarks>
    public static AffineMap Create(in AugmentParameters p, int height, int width, AugmentSemantics semantics)
    {
        var (sin, cos) = SinCosDegrees(p.Theta);
        var (shearSin, shearCos) = SinCosDegrees(p.Shear);

        // M and M·(tx, ty) in Keras's (first, second) order, and Keras's centre (o_x, o_y) for (first, second).
        double m00 = cos * p.Zx;
        double m01 = (-cos * shearSin - sin * shearCos) * p.Zy;
        double m10 = sin * p.Zx;
        double m11 = (-sin * shearSin + cos * shearCos) * p.Zy;
        double shift0 = cos * p.Tx - sin * p.Ty;
        double shift1 = sin * p.Tx + cos * p.Ty;
        var (centre0, centre1) = semantics == AugmentSemantics.KerasPreprocessing112
            ? (height / 2.0 + 0.5, width / 2.0 + 0.5)
            : ((height - 1) / 2.0, (width - 1) / 2.0);

        // a00 = row per output row, a01 = row per output column, a10 and a11 the same for the column.
        double a00, a01, a10, a11, shiftRow, shiftCol, centreRow, centreCol;
        if (semantics == AugmentSemantics.TfKeras)
        {
            (a00, a01, a10, a11) = (m11, m10, m01, m00);
            (shiftRow, shiftCol) = (shift1, shift0);
            (centreRow, centreCol) = (centre1, centre0);
        }
        else
        {
            (a00, a01, a10, a11) = (m00, m01, m10, m11);
            (shiftRow, shiftCol) = (shift0, shift1);
            (centreRow, centreCol) = (centre0, centre1);
        }

        // Output pixel (r, c) takes what the unflipped output has at the mirrored point, e.g. (h − 1 − r, c).
        double outputRow = centreRow;
        double outputCol = centreCol;
        if (p.FlipVertical)
        {
            a00 = -a00;
            a10 = -a10;
            outputRow = height - 1 - centreRow;
        }

        if (p.FlipHorizontal)
        {
            a01 = -a01;
            a11 = -a11;
            outputCol = width - 1 - centreCol;
        }

        double row0 = centreRow + shiftRow - a00 * outputRow - a01 * outputCol;
        double col0 = centreCol + shiftCol - a10 * outputRow - a11 * outputCol;
        return new AffineMap(row0, a00, a01, col0, a10, a11);
    }

    /// <summary>Exact at multiples of 90°, so quarter turns map pixels onto pixels.</summary>
    private static (double Sin, double Cos) SinCosDegrees(double degrees)
    {
        double reduced = degrees % 360;
        if (reduced % 90 == 0)
        {
            int quarter = (int)(reduced / 90 + 4) % 4;
            return quarter switch
            {
                0 => (0, 1),
                1 => (1, 0),
                2 => (0, -1),
                _ => (-1, 0),
            };
        }

        return Math.SinCos(degrees * (Math.PI / 180));
    }
}
