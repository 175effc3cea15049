namespace Siamese.Model;

/// <summary>Evaluation metrics over similarity scores and 0/1 labels (1 = same digit).</summary>
public static class Metrics
{
    /// <summary>The one label rule: a pair labelled above 0.5 is a same-class pair.</summary>
    public static bool IsSame(float label) => label > 0.5f;

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (Mann–Whitney U from average ranks). NaN when either class is absent.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        float[] keys = scores.ToArray();
        Array.Sort(keys, order);

        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            double averageRank = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++)
            {
                if (IsSame(labels[order[k]]))
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Fraction of pairs where <c>score &gt; threshold</c> agrees with <see cref="IsSame"/>.</summary>
    public static double Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, float threshold = 0.5f)
    {
        CheckLengths(scores, labels);
        if (scores.Length == 0)
        {
            return double.NaN;
        }

        int correct = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] > threshold == IsSame(labels[i]))
            {
                correct++;
            }
        }

        return (double)correct / scores.Length;
    }

    private static void CheckLengths(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }
    }
}
