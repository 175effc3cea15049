namespace Siamese.Model.Tests;

/// <summary>
/// Seeded pairs of noisy copies of a few random prototype "digits": half the pairs share a prototype (label 1),
/// half do not (label 0).
/// </summary>
internal sealed class SyntheticPairs
{
    private SyntheticPairs(float[] left, float[] right, float[] labels, int[] leftClasses, int[] rightClasses)
    {
        Left = left;
        Right = right;
        Labels = labels;
        LeftClasses = leftClasses;
        RightClasses = rightClasses;
    }

    public float[] Left { get; }

    public float[] Right { get; }

    public float[] Labels { get; }

    /// <summary>Each left image's prototype (its class, 0 to classes − 1).</summary>
    public int[] LeftClasses { get; }

    public int[] RightClasses { get; }

    public int Count => Labels.Length;

    public static SyntheticPairs Create(int count, int inputSize, int seed, int classes = 5, float noise = 0.35f)
    {
        var prototypes = new Random(12345);
        var prototype = new float[classes][];
        for (int c = 0; c < classes; c++)
        {
            prototype[c] = new float[inputSize];
            for (int i = 0; i < inputSize; i++)
            {
                prototype[c][i] = prototypes.NextSingle();
            }
        }

        var random = new Random(seed);
        var left = new float[count * inputSize];
        var right = new float[count * inputSize];
        var labels = new float[count];
        var leftClasses = new int[count];
        var rightClasses = new int[count];
        for (int p = 0; p < count; p++)
        {
            bool same = p % 2 == 0;
            int a = random.Next(classes);
            int b = same ? a : (a + 1 + random.Next(classes - 1)) % classes;
            labels[p] = same ? 1 : 0;
            (leftClasses[p], rightClasses[p]) = (a, b);
            for (int i = 0; i < inputSize; i++)
            {
                left[(p * inputSize) + i] = prototype[a][i] + (noise * (random.NextSingle() - 0.5f));
                right[(p * inputSize) + i] = prototype[b][i] + (noise * (random.NextSingle() - 0.5f));
            }
        }

        return new SyntheticPairs(left, right, labels, leftClasses, rightClasses);
    }

    public ReadOnlySpan<float> LeftOf(int start, int count, int inputSize) => Left.AsSpan(start * inputSize, count * inputSize);

    public ReadOnlySpan<float> RightOf(int start, int count, int inputSize) => Right.AsSpan(start * inputSize, count * inputSize);

    public ReadOnlySpan<float> LabelsOf(int start, int count) => Labels.AsSpan(start, count);

    public ReadOnlySpan<int> LeftClassesOf(int start, int count) => LeftClasses.AsSpan(start, count);

    public ReadOnlySpan<int> RightClassesOf(int start, int count) => RightClasses.AsSpan(start, count);

    /// <summary>The class labels a cosine trainer is given: the prototypes'.</summary>
    public static int[] ClassLabels(int classes = 5) => [.. Enumerable.Range(0, classes)];
}
