using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Siamese.Model;

/// <summary>The elementwise loops of <see cref="MlpTrainStep"/>, 8 floats at a time with a scalar tail.</summary>
internal static unsafe class MlpVectors
{
    private static readonly int Width = Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu(float* x, int count)
    {
        int i = 0;
        for (; i <= count - Width; i += Width)
        {
            Vector256.Max(Vector256.Load(x + i), Vector256<float>.Zero).Store(x + i);
        }

        for (; i < count; i++)
        {
            x[i] = MathF.Max(x[i], 0);
        }
    }

    /// <summary>x = max(x, 0)·mask: ReLU, then dropout's multiplication by its mask (0 or 1/(1 − rate)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluTimes(float* x, float* mask, int count)
    {
        int i = 0;
        for (; i <= count - Width; i += Width)
        {
            (Vector256.Max(Vector256.Load(x + i), Vector256<float>.Zero) * Vector256.Load(mask + i)).Store(x + i);
        }

        for (; i < count; i++)
        {
            x[i] = MathF.Max(x[i], 0) * mask[i];
        }
    }

    /// <summary>g = output &gt; 0 ? g·scale : 0 (dropout's and ReLU's backward; scale is the kept value, or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GateByPositive(float* g, float* output, float scale, int count)
    {
        var scaleV = Vector256.Create(scale);
        int i = 0;
        for (; i <= count - Width; i += Width)
        {
            var positive = Vector256.GreaterThan(Vector256.Load(output + i), Vector256<float>.Zero);
            Vector256.ConditionalSelect(positive, Vector256.Load(g + i) * scaleV, Vector256<float>.Zero).Store(g + i);
        }

        for (; i < count; i++)
        {
            g[i] = output[i] > 0 ? g[i] * scale : 0;
        }
    }

    /// <summary>sums[j] = Σ over rows of m[r, j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(float* m, int rows, int columns, float* sums)
    {
        new Span<float>(sums, columns).Clear();
        for (int r = 0; r < rows; r++)
        {
            float* row = m + ((long)r * columns);
            int j = 0;
            for (; j <= columns - Width; j += Width)
            {
                (Vector256.Load(sums + j) + Vector256.Load(row + j)).Store(sums + j);
            }

            for (; j < columns; j++)
            {
                sums[j] += row[j];
            }
        }
    }

    /// <summary>diff = a − b, dist = |diff| (or diff²); returns dist·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DistanceDot(float* a, float* b, float* diff, float* dist, float* w, int n, bool squared)
    {
        var sum = Vector256<float>.Zero;
        int j = 0;
        for (; j <= n - Width; j += Width)
        {
            var d = Vector256.Load(a + j) - Vector256.Load(b + j);
            var distance = squared ? d * d : Vector256.Abs(d);
            d.Store(diff + j);
            distance.Store(dist + j);
            sum += distance * Vector256.Load(w + j);
        }

        float total = Vector256.Sum(sum);
        for (; j < n; j++)
        {
            float d = a[j] - b[j];
            diff[j] = d;
            dist[j] = squared ? d * d : MathF.Abs(d);
            total += dist[j] * w[j];
        }

        return total;
    }

    /// <summary>wGrad += g·dist; left = g·w·d'(diff), right = −left, where d' is sign (L1) or 2·diff (L2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HeadGradients(float g, float* diff, float* dist, float* w, float* wGrad, float* left, float* right, int n, bool squared)
    {
        var gV = Vector256.Create(g);
        int j = 0;
        for (; j <= n - Width; j += Width)
        {
            (Vector256.Load(wGrad + j) + (gV * Vector256.Load(dist + j))).Store(wGrad + j);
            var d = Vector256.Load(diff + j);
            var slope = squared ? d + d : Sign(d);
            var grad = gV * Vector256.Load(w + j) * slope;
            grad.Store(left + j);
            (-grad).Store(right + j);
        }

        for (; j < n; j++)
        {
            wGrad[j] += g * dist[j];
            float d = diff[j];
            float grad = g * w[j] * (squared ? d + d : MathF.Sign(d));
            left[j] = grad;
            right[j] = -grad;
        }
    }

    /// <summary>−1, 0 or 1 per lane, as <c>torch.sign</c> (the derivative libtorch uses for |x|).</summary>
    private static Vector256<float> Sign(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        return (Vector256.GreaterThan(x, Vector256<float>.Zero) & one) - (Vector256.LessThan(x, Vector256<float>.Zero) & one);
    }
}
