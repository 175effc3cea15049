namespace Siamese.Host.Evaluation;

/// <summary>An image of one class: its class position and its index within that class.</summary>
internal readonly record struct ImageRef(int Class, int Index);

/// <summary>One N-way one-shot trial: a query image and one support image for each of N classes (the query's among them).</summary>
internal sealed record OneShotTrial(ImageRef Query, IReadOnlyList<ImageRef> Supports)
{
    /// <summary>Position in <see cref="Supports"/> of the support of the query's class.</summary>
    public int Answer
    {
        get
        {
            for (int i = 0; i < Supports.Count; i++)
            {
                if (Supports[i].Class == Query.Class)
                {
                    return i;
                }
            }

            throw new InvalidOperationException("The trial has no support of the query's class.");
        }
    }
}

/// <summary>Scores pairs: writes the similarity of <c>left[i]</c> and <c>right[i]</c> into <c>output[i]</c>.</summary>
internal delegate void PairScorer(ReadOnlySpan<ImageRef> left, ReadOnlySpan<ImageRef> right, Span<float> output);

/// <summary>The outcome of a set of one-shot trials.</summary>
internal sealed record OneShotResult(int Ways, int Trials, int Seed, int Correct, double Accuracy, double CiLow, double CiHigh, string CiMethod);

/// <summary>
/// N-way one-shot classification as Koch, Zemel and Salakhutdinov (2015) evaluate Siamese networks: each trial
/// draws N classes (always including the query's), a query image, and one support image per class, the query's own
/// class contributing an image other than the query. The prediction is the class of the most similar support; ties
/// are broken uniformly at random (seeded), so an uninformative similarity scores 1/N on average.
/// </summary>
internal sealed class OneShotTask
{
    private readonly IReadOnlyList<int> _classSizes;
    private readonly int _ways;
    private readonly int _seed;

    /// <param name="classSizes">Number of images in each class (each needs at least two).</param>
    public OneShotTask(IReadOnlyList<int> classSizes, int ways, int seed)
    {
        ArgumentNullException.ThrowIfNull(classSizes);
        if (ways < 2 || ways > classSizes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(ways), ways, $"N must be between 2 and the number of classes ({classSizes.Count}).");
        }

        if (classSizes.Any(size => size < 2))
        {
            throw new ArgumentException("Every class needs at least two images (the query and a different support).", nameof(classSizes));
        }

        _classSizes = classSizes;
        _ways = ways;
        _seed = seed;
    }

    public int Ways => _ways;

    /// <summary>The seeded trials; the same arguments always give the same trials.</summary>
    public IReadOnlyList<OneShotTrial> Trials(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(_seed);
        var classes = Enumerable.Range(0, _classSizes.Count).ToArray();
        var trials = new OneShotTrial[count];
        for (int t = 0; t < count; t++)
        {
            random.Shuffle(classes);
            var chosen = classes.AsSpan(0, _ways).ToArray();
            int queryClass = chosen[random.Next(_ways)];
            int queryIndex = random.Next(_classSizes[queryClass]);
            var supports = new ImageRef[_ways];
            for (int i = 0; i < _ways; i++)
            {
                int c = chosen[i];
                int index;
                if (c == queryClass)
                {
                    index = random.Next(_classSizes[c] - 1);
                    index = index >= queryIndex ? index + 1 : index;
                }
                else
                {
                    index = random.Next(_classSizes[c]);
                }

                supports[i] = new ImageRef(c, index);
            }

            trials[t] = new OneShotTrial(new ImageRef(queryClass, queryIndex), supports);
        }

        return trials;
    }

    /// <summary>Runs <paramref name="trials"/> with <paramref name="scorer"/>, scoring at most <paramref name="chunkPairs"/> pairs per call.</summary>
    public OneShotResult Score(IReadOnlyList<OneShotTrial> trials, PairScorer scorer, int chunkPairs = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(scorer);
        int trialsPerChunk = Math.Max(1, chunkPairs / _ways);
        var left = new ImageRef[trialsPerChunk * _ways];
        var right = new ImageRef[trialsPerChunk * _ways];
        var scores = new float[trialsPerChunk * _ways];
        var tieBreak = new Random(unchecked(_seed * 31 + 7));
        int correct = 0;
        for (int start = 0; start < trials.Count; start += trialsPerChunk)
        {
            int n = Math.Min(trialsPerChunk, trials.Count - start);
            for (int t = 0; t < n; t++)
            {
                var trial = trials[start + t];
                for (int i = 0; i < _ways; i++)
                {
                    left[(t * _ways) + i] = trial.Query;
                    right[(t * _ways) + i] = trial.Supports[i];
                }
            }

            scorer(left.AsSpan(0, n * _ways), right.AsSpan(0, n * _ways), scores.AsSpan(0, n * _ways));
            for (int t = 0; t < n; t++)
            {
                if (Predict(scores.AsSpan(t * _ways, _ways), tieBreak) == trials[start + t].Answer)
                {
                    correct++;
                }
            }
        }

        var interval = ProportionInterval.Wilson(correct, trials.Count);
        return new OneShotResult(_ways, trials.Count, _seed, correct, (double)correct / trials.Count, interval.Low, interval.High, "Wilson score interval, 95%");
    }

    /// <summary>The position of the highest score; a tie goes to one of the tied positions at random.</summary>
    internal static int Predict(ReadOnlySpan<float> scores, Random tieBreak)
    {
        float best = float.NegativeInfinity;
        int chosen = -1;
        int ties = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] > best)
            {
                best = scores[i];
                chosen = i;
                ties = 1;
            }
            else if (scores[i] == best && tieBreak.Next(++ties) == 0)
            {
                chosen = i;
            }
        }

        return chosen;
    }
}
