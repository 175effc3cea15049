namespace Siamese.Host.Evaluation;

/// <summary>Two principal components of a set of rows, and each row's coordinates on them.</summary>
/// <param name="X">Each row's coordinate on the first component (centred).</param>
/// <param name="Y">Each row's coordinate on the second component.</param>
/// <param name="Explained">The share of the total variance along each component.</param>
internal sealed record PcaProjection(double[] X, double[] Y, double[] Explained)
{
    /// <summary>The rows' mean, which <see cref="Place"/> subtracts.</summary>
    public double[] Mean { get; init; } = [];

    /// <summary>The two components (unit vectors), which <see cref="Place"/> projects onto.</summary>
    public double[][] Components { get; init; } = [];

    /// <summary>Where another row (of the same width) falls on the two components.</summary>
    public (double X, double Y) Place(ReadOnlySpan<float> row)
    {
        if (row.Length != Mean.Length)
        {
            throw new ArgumentException($"Rows have {Mean.Length} values; got {row.Length}.", nameof(row));
        }

        double x = 0, y = 0;
        for (int c = 0; c < row.Length; c++)
        {
            double value = row[c] - Mean[c];
            x += value * Components[0][c];
            y += value * Components[1][c];
        }

        return (x, y);
    }
}

/// <summary>
/// Principal component analysis down to two dimensions: the covariance matrix of the rows (D × D, in doubles), its two
/// leading eigenvectors by power iteration (the second after deflating the first), each signed so that its largest
/// component is positive, and the centred rows projected onto them.
/// </summary>
internal static class Pca
{
    private const int MaxIterations = 1000;
    private const double Tolerance = 1e-12;

    /// <param name="rows">Row-major [count, width].</param>
    public static PcaProjection Project(ReadOnlySpan<float> rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (rows.Length % width != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not rows of {width}.", nameof(rows));
        }

        int count = rows.Length / width;
        var mean = new double[width];
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < width; c++)
            {
                mean[c] += rows[(r * width) + c];
            }
        }

        for (int c = 0; c < width; c++)
        {
            mean[c] /= Math.Max(1, count);
        }

        var covariance = new double[width, width];
        var centred = new double[width];
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < width; c++)
            {
                centred[c] = rows[(r * width) + c] - mean[c];
            }

            for (int i = 0; i < width; i++)
            {
                double a = centred[i];
                for (int j = i; j < width; j++)
                {
                    covariance[i, j] += a * centred[j];
                }
            }
        }

        double trace = 0;
        for (int i = 0; i < width; i++)
        {
            for (int j = i; j < width; j++)
            {
                covariance[i, j] /= Math.Max(1, count - 1);
                covariance[j, i] = covariance[i, j];
            }

            trace += covariance[i, i];
        }

        var (first, firstValue) = Leading(covariance, null, trace);
        var (second, secondValue) = Leading(covariance, first, trace);
        var x = new double[count];
        var y = new double[count];
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < width; c++)
            {
                double value = rows[(r * width) + c] - mean[c];
                x[r] += value * first[c];
                y[r] += value * second[c];
            }
        }

        double Share(double value) => trace > 0 ? Math.Max(0, value) / trace : 0;
        return new PcaProjection(x, y, [Share(firstValue), Share(secondValue)]) { Mean = mean, Components = [first, second] };
    }

    /// <summary>
    /// The leading eigenvector of the covariance (unit length, largest component positive) and its eigenvalue, within the
    /// space orthogonal to <paramref name="excluded"/> (the first component, when finding the second: projecting it out
    /// at every step is deflation that rounding cannot undo); zero when no variance (beyond rounding) is left there.
    /// </summary>
    private static (double[] Vector, double Value) Leading(double[,] matrix, double[]? excluded, double trace)
    {
        int n = matrix.GetLength(0);

        // A start with a component along every direction, so no eigenvector is missed by symmetry.
        var vector = Enumerable.Range(0, n).Select(i => 1 + (i / (double)n)).ToArray();
        Orthogonalise(vector, excluded);
        Normalise(vector);
        double value = 0;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            var next = Multiply(matrix, vector);
            Orthogonalise(next, excluded);
            value = Dot(vector, next);
            if (value <= trace * 1e-12 || !Normalise(next))
            {
                return (new double[n], 0);
            }

            double change = 0;
            for (int i = 0; i < n; i++)
            {
                change = Math.Max(change, Math.Abs(next[i] - vector[i]));
            }

            vector = next;
            if (change < Tolerance)
            {
                break;
            }
        }

        int largest = 0;
        for (int i = 1; i < n; i++)
        {
            largest = Math.Abs(vector[i]) > Math.Abs(vector[largest]) ? i : largest;
        }

        if (vector[largest] < 0)
        {
            for (int i = 0; i < n; i++)
            {
                vector[i] = -vector[i];
            }
        }

        return (vector, value);
    }

    private static double[] Multiply(double[,] matrix, double[] vector)
    {
        int n = vector.Length;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += matrix[i, j] * vector[j];
            }

            result[i] = sum;
        }

        return result;
    }

    /// <summary>Removes the component along <paramref name="excluded"/> (a unit vector).</summary>
    private static void Orthogonalise(double[] vector, double[]? excluded)
    {
        if (excluded is not null)
        {
            double along = Dot(vector, excluded);
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] -= along * excluded[i];
            }
        }
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    private static bool Normalise(double[] vector)
    {
        double norm = Math.Sqrt(Dot(vector, vector));
        if (norm < 1e-300)
        {
            return false;
        }

        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return true;
    }
}
