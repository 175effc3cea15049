using Siamese.Model;

namespace Siamese.Host.Evaluation;

/// <summary>
/// Accuracy per unordered digit pair {a, b} at a threshold: the diagonal holds same-digit pairs (how often two
/// images of a are called the same), the rest different-digit pairs (how often a and b are told apart). The table
/// is symmetric; a cell with no pairs is NaN.
/// </summary>
internal sealed record DigitPairTable(int[] Digits, double[][] Accuracy, int[][] Pairs)
{
    /// <summary>Most test classes a table is made for: 100 classes make 10,000 cells; Omniglot's 964 would make 929,296.</summary>
    public const int MostClasses = 100;

    public static DigitPairTable Create(IReadOnlyList<int> digits, ReadOnlySpan<int> leftDigits, ReadOnlySpan<int> rightDigits, ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(digits);
        int n = digits.Count;
        var position = digits.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
        var correct = new int[n, n];
        var pairs = new int[n, n];
        for (int i = 0; i < scores.Length; i++)
        {
            int a = position[leftDigits[i]];
            int b = position[rightDigits[i]];
            bool right = (scores[i] > threshold) == Metrics.IsSame(labels[i]);
            foreach (var (r, c) in a == b ? [(a, b)] : new[] { (a, b), (b, a) })
            {
                pairs[r, c]++;
                correct[r, c] += right ? 1 : 0;
            }
        }

        var accuracy = new double[n][];
        var counts = new int[n][];
        for (int r = 0; r < n; r++)
        {
            accuracy[r] = new double[n];
            counts[r] = new int[n];
            for (int c = 0; c < n; c++)
            {
                counts[r][c] = pairs[r, c];
                accuracy[r][c] = pairs[r, c] == 0 ? double.NaN : (double)correct[r, c] / pairs[r, c];
            }
        }

        return new DigitPairTable(digits.ToArray(), accuracy, counts);
    }

    /// <summary>The different-digit pairs with the lowest accuracy, worst first.</summary>
    public IEnumerable<(int A, int B, double Accuracy)> MostConfused(int count) =>
        Enumerable.Range(0, Digits.Length)
            .SelectMany(r => Enumerable.Range(r + 1, Digits.Length - r - 1).Select(c => (r, c)))
            .Where(rc => !double.IsNaN(Accuracy[rc.r][rc.c]))
            .OrderBy(rc => Accuracy[rc.r][rc.c])
            .Take(count)
            .Select(rc => (Digits[rc.r], Digits[rc.c], Accuracy[rc.r][rc.c]));
}
