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
    /// coordinates (row, col) to input coordinates: M = R·T·S·Z composed in that order and taken about the image
    /// centre, with R = [[cos θ, −sin θ], [sin θ, cos θ]], T the shift (tx, ty), S = [[1, −sin s], [0, cos s]] and
    /// Z = diag(zx, zy), all in (row, col) order. The flips, which Keras applies after the affine transform, are folded
    /// in by mirroring the output coordinate. The centre is ((h − 1)/2, (w − 1)/2), the middle of the pixel grid;
    /// keras-preprocessing before 1.1 used h/2 + 0.5, a whole pixel off, and later versions fixed that.
    /// </summary>
    public static AffineMap Create(in AugmentParameters p, int height, int width)
    {
        var (sin, cos) = SinCosDegrees(p.Theta);
        var (shearSin, shearCos) = SinCosDegrees(p.Shear);

        double a00 = cos * p.Zx;
        double a01 = (-cos * shearSin - sin * shearCos) * p.Zy;
        double a10 = sin * p.Zx;
        double a11 = (-sin * shearSin + cos * shearCos) * p.Zy;
        double shiftRow = cos * p.Tx - sin * p.Ty;
        double shiftCol = sin * p.Tx + cos * p.Ty;

        if (p.FlipVertical)
        {
            a00 = -a00;
            a10 = -a10;
        }

        if (p.FlipHorizontal)
        {
            a01 = -a01;
            a11 = -a11;
        }

        double centreRow = (height - 1) / 2.0;
        double centreCol = (width - 1) / 2.0;
        double row0 = centreRow + shiftRow - a00 * centreRow - a01 * centreCol;
        double col0 = centreCol + shiftCol - a10 * centreRow - a11 * centreCol;
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
