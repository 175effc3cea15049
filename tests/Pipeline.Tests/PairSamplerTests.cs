namespace Siamese.Pipeline.Tests;

public sealed class PairSamplerTests
{
    private const int Classes = 10;
    private const int BatchSize = 20;
    private const int Batches = 20_000;

    /// <summary>
    /// Over 20,000 seeded batches of 20, the chi-square statistics of the class counts stay below their 0.1%
    /// critical values (Wilson–Hilferty): a uniform sampler fails this one time in a thousand seeds, a sampler that
    /// favours one class by 2% of its share fails it for any seed.
    /// </summary>
    [Fact]
    public void Next_ManyBatches_ClassFrequenciesAreUniform()
    {
        var sampler = new PairSampler(new Random(1), Classes, BatchSize);
        var left = new int[BatchSize];
        var right = new int[BatchSize];
        var positive = new long[Classes];
        var negativeLeft = new long[Classes];
        var negativeRight = new long[Classes];
        var negativePairs = new long[Classes * Classes];

        for (int b = 0; b < Batches; b++)
        {
            sampler.Next(left, right);
            for (int i = 0; i < BatchSize; i++)
            {
                if (i < sampler.Positives)
                {
                    Assert.Equal(left[i], right[i]);
                    positive[left[i]]++;
                }
                else
                {
                    Assert.NotEqual(left[i], right[i]);
                    negativeLeft[left[i]]++;
                    negativeRight[right[i]]++;
                    negativePairs[left[i] * Classes + right[i]]++;
                }
            }
        }

        var orderedPairs = Enumerable.Range(0, Classes * Classes).Where(p => p / Classes != p % Classes).Select(p => negativePairs[p]).ToArray();
        Assert.InRange(ChiSquare(positive), 0, Critical(Classes - 1));
        Assert.InRange(ChiSquare(negativeLeft), 0, Critical(Classes - 1));
        Assert.InRange(ChiSquare(negativeRight), 0, Critical(Classes - 1));
        Assert.InRange(ChiSquare(orderedPairs), 0, Critical(orderedPairs.Length - 1));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(7, 4)]
    [InlineData(20, 10)]
    public void Positives_IsCeilingOfHalf(int batchSize, int positives)
    {
        Assert.Equal(positives, new PairSampler(new Random(0), Classes, batchSize).Positives);
    }

    [Fact]
    public void Next_SortDifferent_SmallerDigitLeftAndOtherwiseTheSameDraws()
    {
        var sorted = new PairSampler(new Random(9), Classes, 8, sortDifferent: true);
        var plain = new PairSampler(new Random(9), Classes, 8);
        var (ls, rs, lp, rp) = (new int[8], new int[8], new int[8], new int[8]);
        bool swapped = false;

        for (int batch = 0; batch < 200; batch++)
        {
            sorted.Next(ls, rs);
            plain.Next(lp, rp);
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal((Math.Min(lp[i], rp[i]), Math.Max(lp[i], rp[i])), (ls[i], rs[i]));
                swapped |= lp[i] > rp[i];
            }
        }

        Assert.True(swapped, "the plain sampler also puts the larger digit left");
    }

    [Fact]
    public void Next_SameSeed_SameSequence()
    {
        var a = new PairSampler(new Random(5), Classes, 7);
        var b = new PairSampler(new Random(5), Classes, 7);
        var (la, ra, lb, rb) = (new int[7], new int[7], new int[7], new int[7]);

        for (int i = 0; i < 100; i++)
        {
            a.Next(la, ra);
            b.Next(lb, rb);
            Assert.Equal(la, lb);
            Assert.Equal(ra, rb);
        }
    }

    [Fact]
    public void Skip_CountsEachClassesImages_AndAdvancesTheGenerator()
    {
        var counted = new PairSampler(new Random(6), Classes, 7);
        var reference = new PairSampler(new Random(6), Classes, 7);
        var demand = new long[Classes];
        var expected = new long[Classes];
        var (left, right) = (new int[7], new int[7]);
        for (int b = 0; b < 50; b++)
        {
            reference.Next(left, right);
            foreach (int c in left.Concat(right))
            {
                expected[c]++;
            }
        }

        counted.Skip(50, demand);

        Assert.Equal(expected, demand);
        var (nextLeft, nextRight) = (new int[7], new int[7]);
        reference.Next(left, right);
        counted.Next(nextLeft, nextRight);
        Assert.Equal(left, nextLeft);
        Assert.Equal(right, nextRight);
    }

    private static double ChiSquare(IReadOnlyCollection<long> counts)
    {
        double expected = counts.Sum() / (double)counts.Count;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static double Critical(int degreesOfFreedom)
    {
        const double z = 3.0902; // upper 0.1% point of the standard normal
        double k = degreesOfFreedom;
        double term = 1 - 2 / (9 * k) + z * Math.Sqrt(2 / (9 * k));
        return k * term * term * term;
    }
}
