namespace Siamese.Model.Tests;

/// <summary>
/// The dropout masks' decisions, element by element, against xoshiro256** written out from its published reference
/// (Blackman and Vigna): saved runs and resumed runs depend on every mask being exactly this sequence.
/// </summary>
public sealed class DropoutRandomTests
{
    public static TheoryData<double> Rates => [0.1, 0.3, 0.5, 0.0];

    [Theory]
    [MemberData(nameof(Rates))]
    public void Fill_ConsecutiveMasksOfEveryLengthClass_MatchTheReferenceDecisionsAndState(double rate)
    {
        var random = new DropoutRandom(20261201);
        var reference = new ReferenceXoshiro(DropoutState.Words(random));
        uint keepBelow = (uint)Math.Min(uint.MaxValue, Math.Round((1 - rate) * 4294967296.0));
        float kept = (float)(1 / (1 - rate));

        foreach (int length in new[] { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 5120, 32769 })
        {
            var mask = new float[length];
            random.Fill(mask, rate);

            var expected = new float[length];
            for (int i = 0; i + 1 < length; i += 2)
            {
                ulong r = reference.Next();
                expected[i] = (uint)r < keepBelow ? kept : 0f;
                expected[i + 1] = (uint)(r >> 32) < keepBelow ? kept : 0f;
            }

            if (length % 2 == 1)
            {
                expected[^1] = (uint)reference.Next() < keepBelow ? kept : 0f;
            }

            Assert.Equal(expected, mask);
            Assert.Equal(reference.State, DropoutState.Words(random));
        }
    }

    [Fact]
    public void Fill_TenPercentRate_DropsAboutOneInTenAndScalesTheRest()
    {
        var mask = new float[100_000];

        new DropoutRandom(7).Fill(mask, 0.1);

        int dropped = mask.Count(m => m == 0);
        Assert.InRange(dropped, 9_500, 10_500);
        Assert.All(mask, m => Assert.True(m == 0 || m == (float)(1 / 0.9), $"mask value {m}"));
    }

    /// <summary>xoshiro256** as its authors publish it (prng.di.unimi.it/xoshiro256starstar.c).</summary>
    private sealed class ReferenceXoshiro(ulong[] state)
    {
        private readonly ulong[] s = (ulong[])state.Clone();

        public ulong[] State => (ulong[])s.Clone();

        public ulong Next()
        {
            ulong result = ulong.RotateLeft(s[1] * 5, 7) * 9;
            ulong t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = ulong.RotateLeft(s[3], 45);
            return result;
        }
    }
}
