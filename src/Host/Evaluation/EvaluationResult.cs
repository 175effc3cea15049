using Siamese.Model;

namespace Siamese.Host.Evaluation;

/// <summary>Accuracy at the threshold, ROC AUC and the confusion counts of one scored pair set.</summary>
internal sealed record EvaluationResult(int Pairs, int Seed, double Threshold, double Accuracy, double RocAuc, int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public static EvaluationResult From(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double threshold, int seed)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool predicted = scores[i] > threshold;
            bool actual = Metrics.IsSame(labels[i]);
            (tp, fp, tn, fn) = (predicted, actual) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (true, false) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                (false, true) => (tp, fp, tn, fn + 1),
            };
        }

        return new EvaluationResult(scores.Length, seed, threshold, (double)(tp + tn) / scores.Length, Metrics.RocAuc(scores, labels), tp, fp, tn, fn);
    }
}
