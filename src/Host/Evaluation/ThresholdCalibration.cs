using Siamese.Model;

namespace Siamese.Host.Evaluation;

/// <summary>A decision threshold (a pair is "same digit" when its score is above it) and the accuracy it gives.</summary>
internal readonly record struct CalibratedThreshold(double Threshold, double Accuracy);

/// <summary>The error rate at the threshold where false accepts and false rejects are (as nearly as the scores allow) equal.</summary>
internal readonly record struct EqualErrorRate(double Rate, double Threshold, double FalseAcceptRate, double FalseRejectRate);

/// <summary>
/// Threshold choices over similarity scores with 0/1 labels (1 = same digit), with the rule "same when score &gt; t"
/// (as <see cref="EvaluationResult.From"/> and <see cref="Siamese.Model.Metrics.Accuracy"/> decide). Every distinct
/// cut of the sorted scores is tried: t is the midpoint between two neighbouring distinct scores, just below the
/// lowest score (everything accepted) or the highest score (everything rejected).
/// </summary>
internal static class ThresholdCalibration
{
    /// <summary>The threshold that maximises accuracy; among equally accurate cuts, the lowest.</summary>
    public static CalibratedThreshold MaximiseAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var cuts = Cuts(scores, labels);
        var best = cuts[0];
        foreach (var cut in cuts)
        {
            if (cut.Correct > best.Correct)
            {
                best = cut;
            }
        }

        return new CalibratedThreshold(best.Threshold, (double)best.Correct / scores.Length);
    }

    /// <summary>
    /// The cut where the false accept rate (negatives above t) and the false reject rate (positives at or below t)
    /// are closest; the rate reported is their mean there.
    /// </summary>
    public static EqualErrorRate EqualError(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var cuts = Cuts(scores, labels);
        int positives = cuts[^1].RejectedPositives;
        int negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("The equal error rate needs both same and different pairs.", nameof(labels));
        }

        EqualErrorRate? best = null;
        foreach (var cut in cuts)
        {
            double far = (double)cut.AcceptedNegatives / negatives;
            double frr = (double)cut.RejectedPositives / positives;
            if (best is null || Math.Abs(far - frr) < Math.Abs(best.Value.FalseAcceptRate - best.Value.FalseRejectRate))
            {
                best = new EqualErrorRate((far + frr) / 2, cut.Threshold, far, frr);
            }
        }

        return best!.Value;
    }

    /// <summary>The ROC curve: false positive and true positive rates at every cut, from (1, 1) down to (0, 0).</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) RocCurve(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var cuts = Cuts(scores, labels);
        int positives = cuts[^1].RejectedPositives;
        int negatives = scores.Length - positives;
        var fpr = new double[cuts.Count];
        var tpr = new double[cuts.Count];
        for (int i = 0; i < cuts.Count; i++)
        {
            fpr[i] = negatives == 0 ? 0 : (double)cuts[i].AcceptedNegatives / negatives;
            tpr[i] = positives == 0 ? 0 : (double)(positives - cuts[i].RejectedPositives) / positives;
        }

        return (fpr, tpr);
    }

    private readonly record struct Cut(double Threshold, int Correct, int AcceptedNegatives, int RejectedPositives);

    /// <summary>All cuts in ascending threshold order, with their counts.</summary>
    private static List<Cut> Cuts(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }

        if (scores.Length == 0)
        {
            throw new ArgumentException("No scores.", nameof(scores));
        }

        var keys = scores.ToArray();
        var positive = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            positive[i] = Metrics.IsSame(labels[i]);
        }

        Array.Sort(keys, positive);
        int negatives = positive.Count(p => !p);

        // Cut k accepts items k..n-1. Start with everything accepted.
        int rejectedPositives = 0;
        int rejectedNegatives = 0;
        var cuts = new List<Cut> { new(Math.BitDecrement((double)keys[0]), scores.Length - negatives, negatives, 0) };
        for (int k = 0; k < keys.Length;)
        {
            int end = k;
            while (end < keys.Length && keys[end] == keys[k])
            {
                if (positive[end])
                {
                    rejectedPositives++;
                }
                else
                {
                    rejectedNegatives++;
                }

                end++;
            }

            double threshold = end < keys.Length ? (keys[k] + (double)keys[end]) / 2 : keys[k];
            int positives = scores.Length - negatives;
            cuts.Add(new Cut(threshold, rejectedNegatives + (positives - rejectedPositives), negatives - rejectedNegatives, rejectedPositives));
            k = end;
        }

        return cuts;
    }
}
