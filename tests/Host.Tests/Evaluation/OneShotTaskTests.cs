
namespace Siamese.Host.Tests.Evaluation;

public sealed class OneShotTaskTests
{
    private static readonly int[] Sizes = [5, 7, 2, 9, 4, 6, 3, 8, 5, 2];

    [Fact]
    public void Trials_TenWay_OneSupportPerClassAndQueryNeverItsSupport()
    {
        var trials = new OneShotTask(Sizes, 10, 3).Trials(2000);

        Assert.Equal(2000, trials.Count);
        foreach (var trial in trials)
        {
            Assert.Equal(Enumerable.Range(0, 10), trial.Supports.Select(s => s.Class).Order());
            Assert.All(trial.Supports, s => Assert.InRange(s.Index, 0, Sizes[s.Class] - 1));
            Assert.InRange(trial.Query.Index, 0, Sizes[trial.Query.Class] - 1);
            Assert.NotEqual(trial.Query, trial.Supports[trial.Answer]);
            Assert.Equal(trial.Query.Class, trial.Supports[trial.Answer].Class);
        }
    }

    [Fact]
    public void Trials_FiveWay_DrawsFiveDistinctClassesIncludingTheQuerys()
    {
        var trials = new OneShotTask(Sizes, 5, 3).Trials(500);

        Assert.All(trials, t =>
        {
            Assert.Equal(5, t.Supports.Select(s => s.Class).Distinct().Count());
            Assert.Contains(t.Supports, s => s.Class == t.Query.Class);
        });
    }

    [Fact]
    public void Trials_SameSeed_SameTrials()
    {
        var a = new OneShotTask(Sizes, 10, 11).Trials(50);
        var b = new OneShotTask(Sizes, 10, 11).Trials(50);

        Assert.Equal(a.Select(t => (t.Query, string.Join(',', t.Supports))), b.Select(t => (t.Query, string.Join(',', t.Supports))));
    }

    [Fact]
    public void Score_OracleSimilarity_IsPerfect()
    {
        var task = new OneShotTask(Sizes, 10, 5);
        PairScorer oracle = (left, right, output) =>
        {
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = left[i].Class == right[i].Class ? 1f : 0f;
            }
        };

        var result = task.Score(task.Trials(1000), oracle, chunkPairs: 37);

        Assert.Equal(1000, result.Correct);
        Assert.Equal(1.0, result.Accuracy);
        Assert.True(result.CiLow > 0.99);
    }

    [Fact]
    public void Score_ConstantSimilarity_ScoresChance()
    {
        var task = new OneShotTask(Sizes, 10, 5);
        PairScorer constant = (left, right, output) => output.Fill(0.5f);

        var result = task.Score(task.Trials(4000), constant);

        Assert.InRange(result.Accuracy, 0.085, 0.115);
        Assert.InRange(0.1, result.CiLow, result.CiHigh);
    }

    [Fact]
    public void Score_ImageIdentity_DoesNotHelpBecauseQueryIsNeverItsSupport()
    {
        var task = new OneShotTask(Sizes, 10, 9);
        PairScorer identical = (left, right, output) =>
        {
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = left[i] == right[i] ? 1f : 0f;
            }
        };

        var result = task.Score(task.Trials(2000), identical);

        Assert.InRange(result.Accuracy, 0.07, 0.13);
    }

    [Fact]
    public void Constructor_ClassWithOneImage_Refuses() =>
        Assert.Throws<ArgumentException>(() => new OneShotTask([3, 1, 4], 3, 1));

    /// <summary>The draws of one shot across all classes, as they were before k shots and groups: the published figures stay reproducible.</summary>
    [Fact]
    public void Trials_OneShotAcrossAllClasses_DrawAsTheOneShotProtocolAlwaysDid()
    {
        var trials = new OneShotTask(Sizes, 6, 17).Trials(300);

        var random = new Random(17);
        var classes = Enumerable.Range(0, Sizes.Length).ToArray();
        foreach (var trial in trials)
        {
            random.Shuffle(classes);
            var chosen = classes[..6];
            int queryClass = chosen[random.Next(6)];
            int queryIndex = random.Next(Sizes[queryClass]);
            Assert.Equal(new ImageRef(queryClass, queryIndex), trial.Query);
            for (int i = 0; i < 6; i++)
            {
                int index;
                if (chosen[i] == queryClass)
                {
                    index = random.Next(Sizes[queryClass] - 1);
                    index = index >= queryIndex ? index + 1 : index;
                }
                else
                {
                    index = random.Next(Sizes[chosen[i]]);
                }

                Assert.Equal(new ImageRef(chosen[i], index), trial.Supports[i]);
            }
        }
    }

    [Fact]
    public void Trials_ThreeShot_DistinctSupportsPerClassNeverTheQuery()
    {
        var sizes = new[] { 4, 7, 5, 9, 4, 6 };
        var trials = new OneShotTask(sizes, 4, 21, shots: 3).Trials(1000);

        Assert.All(trials, t =>
        {
            Assert.Equal(12, t.Supports.Count);
            var perClass = t.Supports.Chunk(3).ToArray();
            Assert.All(perClass, supports => Assert.Single(supports.Select(s => s.Class).Distinct()));
            Assert.Equal(4, perClass.Select(c => c[0].Class).Distinct().Count());
            Assert.All(perClass, supports => Assert.Equal(3, supports.Distinct().Count()));
            Assert.DoesNotContain(t.Query, t.Supports);
            Assert.Equal(t.Query.Class, perClass[t.Answer][0].Class);
            Assert.All(t.Supports, s => Assert.InRange(s.Index, 0, sizes[s.Class] - 1));
        });
    }

    [Fact]
    public void Trials_WithinGroup_EveryClassOfATrialSharesTheQuerysGroupAndEveryLargeEnoughGroupIsDrawn()
    {
        string?[] groups = ["a", "a", "a", "b", "b", "c", "c", "c", "c", "b"];
        var trials = new OneShotTask(Sizes, 3, 5, groups: groups).Trials(600);

        Assert.All(trials, t => Assert.Single(t.Supports.Select(s => groups[s.Class]).Append(groups[t.Query.Class]).Distinct()));
        Assert.Equal(["a", "b", "c"], trials.Select(t => groups[t.Query.Class]).Distinct().Order());
    }

    [Fact]
    public void Trials_WithinGroupOfTooFewClasses_OnlyTheLargerGroupsAreDrawnOrRefused()
    {
        string?[] groups = ["a", "a", "a", "a", "b", "b", "c", "c", "c", "c"];
        var trials = new OneShotTask(Sizes, 4, 5, groups: groups).Trials(200);

        Assert.DoesNotContain(trials, t => groups[t.Query.Class] == "b");
        Assert.Equal(4, OneShotTask.MaxWaysWithinGroup(groups));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneShotTask(Sizes, 5, 5, groups: groups));
        Assert.Throws<ArgumentException>(() => new OneShotTask(Sizes, 3, 5, groups: [.. groups[..9], null]));
    }

    /// <summary>A class scores its best support: the query's class wins with one perfect support among two poor ones, against classes of middling supports (their mean would beat it).</summary>
    [Fact]
    public void Score_ThreeShot_AClassScoresItsBestSupport()
    {
        var sizes = Enumerable.Repeat(10, 6).ToArray();
        var task = new OneShotTask(sizes, 5, 8, shots: 3);
        var trials = task.Trials(400);
        PairScorer scorer = (left, right, output) =>
        {
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = left[i].Class != right[i].Class ? 0.6f : right[i].Index % 3 == 0 ? 0.9f : 0.1f;
            }
        };
        bool HasBest(OneShotTrial t) => t.Supports.Chunk(3).ElementAt(t.Answer).Any(s => s.Index % 3 == 0);

        var result = task.Score(trials, scorer, chunkPairs: 40);

        Assert.Equal(trials.Count(HasBest), result.Correct);
        Assert.InRange(result.Correct, 1, trials.Count - 1);
        Assert.Equal((5, 3, false), (result.Ways, result.Shots, result.WithinGroup));
    }
}
