namespace Siamese.Host.Evaluation;

/// <summary>An image of one class: its class position and its index within that class.</summary>
internal readonly record struct ImageRef(int Class, int Index);

/// <summary>
/// One N-way k-shot trial: a query image and k support images for each of N classes (the query's among them), the
/// supports of the i-th class at positions i·k … i·k + k − 1 of <see cref="Supports"/>.
/// </summary>
internal sealed record OneShotTrial(ImageRef Query, IReadOnlyList<ImageRef> Supports, int Shots = 1)
{
    /// <summary>The position among the trial's N classes of the query's class (for one shot, also its support's position).</summary>
    public int Answer
    {
        get
        {
            for (int i = 0; i < Supports.Count; i += Shots)
            {
                if (Supports[i].Class == Query.Class)
                {
                    return i / Shots;
                }
            }

            throw new InvalidOperationException("The trial has no support of the query's class.");
        }
    }
}

/// <summary>Scores pairs: writes the similarity of <c>left[i]</c> and <c>right[i]</c> into <c>output[i]</c>.</summary>
internal delegate void PairScorer(ReadOnlySpan<ImageRef> left, ReadOnlySpan<ImageRef> right, Span<float> output);

/// <summary>The outcome of a set of N-way k-shot trials.</summary>
/// <param name="Shots">Support images per class (k); a class's score is the best similarity over them.</param>
/// <param name="WithinGroup">All N classes of a trial are of one group (an Omniglot alphabet).</param>
internal sealed record OneShotResult(int Ways, int Trials, int Seed, int Correct, double Accuracy, double CiLow, double CiHigh, string CiMethod, int Shots = 1, bool WithinGroup = false);

/// <summary>
/// N-way k-shot classification, as Koch, Zemel and Salakhutdinov (2015) evaluate Siamese networks for k = 1: each trial
/// draws N classes (always including the query's; with <c>groups</c>, a group first, uniformly among the groups with N
/// classes or more, and the N classes from it), a query image, and k distinct support images per class, the query's
/// own class contributing images other than the query. A class's score is the best similarity of the query to its k
/// supports; the prediction is the best-scoring class, ties broken uniformly at random (seeded), so an uninformative
/// similarity scores 1/N on average.
/// </summary>
internal sealed class OneShotTask
{
    private readonly IReadOnlyList<int> _classSizes;
    private readonly int _ways;
    private readonly int _shots;
    private readonly int _seed;

    /// <summary>Per eligible group (N classes or more), its classes; null when trials draw from all classes.</summary>
    private readonly int[][]? _groups;

    /// <param name="classSizes">Number of images in each class (each needs at least k + 1).</param>
    /// <param name="groups">Each class's group, to draw every trial's classes from one group; null to draw from all classes.</param>
    public OneShotTask(IReadOnlyList<int> classSizes, int ways, int seed, int shots = 1, IReadOnlyList<string?>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(classSizes);
        if (ways < 2 || ways > classSizes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(ways), ways, $"N must be between 2 and the number of classes ({classSizes.Count}).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shots);
        if (classSizes.Any(size => size < shots + 1))
        {
            throw new ArgumentException($"Every class needs at least {shots + 1} images (the query and {shots} different support{(shots > 1 ? "s" : string.Empty)}).", nameof(classSizes));
        }

        if (groups is not null)
        {
            if (groups.Count != classSizes.Count || groups.Any(g => g is null))
            {
                throw new ArgumentException("Trials within a group need every class's group.", nameof(groups));
            }

            _groups = [.. Enumerable.Range(0, groups.Count)
                .GroupBy(c => groups[c]!, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.ToArray())
                .Where(g => g.Length >= ways)];
            if (_groups.Length == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ways), ways, $"No group has {ways} classes; the largest has {MaxWaysWithinGroup(groups)}.");
            }
        }

        _classSizes = classSizes;
        _ways = ways;
        _shots = shots;
        _seed = seed;
    }

    public int Ways => _ways;

    public int Shots => _shots;

    public bool WithinGroup => _groups is not null;

    /// <summary>The most classes one group has: the largest N trials within a group can have.</summary>
    public static int MaxWaysWithinGroup(IReadOnlyList<string?> groups) =>
        groups.Where(g => g is not null).GroupBy(g => g, StringComparer.Ordinal).Select(g => g.Count()).DefaultIfEmpty(0).Max();

    /// <summary>The seeded trials; the same arguments always give the same trials.</summary>
    public IReadOnlyList<OneShotTrial> Trials(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(_seed);
        var classes = Enumerable.Range(0, _classSizes.Count).ToArray();
        var trials = new OneShotTrial[count];
        var taken = new List<int>(_shots + 1);
        for (int t = 0; t < count; t++)
        {
            var pool = _groups is null ? classes : _groups[random.Next(_groups.Length)];
            random.Shuffle(pool);
            var chosen = pool.AsSpan(0, _ways).ToArray();
            int queryClass = chosen[random.Next(_ways)];
            int queryIndex = random.Next(_classSizes[queryClass]);
            var supports = new ImageRef[_ways * _shots];
            for (int i = 0; i < _ways; i++)
            {
                int c = chosen[i];
                taken.Clear();
                if (c == queryClass)
                {
                    taken.Add(queryIndex);
                }

                for (int s = 0; s < _shots; s++)
                {
                    int index = Unused(random.Next(_classSizes[c] - taken.Count), taken);
                    supports[(i * _shots) + s] = new ImageRef(c, index);
                }
            }

            trials[t] = new OneShotTrial(new ImageRef(queryClass, queryIndex), supports, _shots);
        }

        return trials;
    }

    /// <summary>The <paramref name="rank"/>-th index (from 0) not in <paramref name="taken"/>, which it then joins.</summary>
    private static int Unused(int rank, List<int> taken)
    {
        taken.Sort();
        int index = rank;
        foreach (int t in taken)
        {
            if (t <= index)
            {
                index++;
            }
        }

        taken.Add(index);
        return index;
    }

    /// <summary>Runs <paramref name="trials"/> with <paramref name="scorer"/>, scoring at most <paramref name="chunkPairs"/> pairs per call.</summary>
    public OneShotResult Score(IReadOnlyList<OneShotTrial> trials, PairScorer scorer, int chunkPairs = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(scorer);
        int perTrial = _ways * _shots;
        int trialsPerChunk = Math.Max(1, chunkPairs / perTrial);
        var left = new ImageRef[trialsPerChunk * perTrial];
        var right = new ImageRef[trialsPerChunk * perTrial];
        var scores = new float[trialsPerChunk * perTrial];
        var classScores = new float[_ways];
        var tieBreak = new Random(unchecked(_seed * 31 + 7));
        int correct = 0;
        for (int start = 0; start < trials.Count; start += trialsPerChunk)
        {
            int n = Math.Min(trialsPerChunk, trials.Count - start);
            for (int t = 0; t < n; t++)
            {
                var trial = trials[start + t];
                for (int i = 0; i < perTrial; i++)
                {
                    left[(t * perTrial) + i] = trial.Query;
                    right[(t * perTrial) + i] = trial.Supports[i];
                }
            }

            scorer(left.AsSpan(0, n * perTrial), right.AsSpan(0, n * perTrial), scores.AsSpan(0, n * perTrial));
            for (int t = 0; t < n; t++)
            {
                for (int c = 0; c < _ways; c++)
                {
                    classScores[c] = Max(scores.AsSpan((t * perTrial) + (c * _shots), _shots));
                }

                if (Predict(classScores, tieBreak) == trials[start + t].Answer)
                {
                    correct++;
                }
            }
        }

        var interval = ProportionInterval.Wilson(correct, trials.Count);
        return new OneShotResult(_ways, trials.Count, _seed, correct, (double)correct / trials.Count, interval.Low, interval.High, "Wilson score interval, 95%", _shots, WithinGroup);
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        float best = values[0];
        foreach (float v in values[1..])
        {
            best = Math.Max(best, v);
        }

        return best;
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
