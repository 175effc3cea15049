
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
}
