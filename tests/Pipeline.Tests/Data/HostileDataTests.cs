using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Siamese.Pipeline.Data;
using Siamese.Tests.Shared;
using Xunit.Abstractions;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>
/// Property-style: a few hundred seeded mutants of valid IDX (raw and .gz) and npz files, gzip and zip bombs among
/// them, are each either loaded or refused with <see cref="DataFormatException"/> — never another exception type —
/// and no attempt allocates more than <see cref="AllocationCap"/>.
/// </summary>
public sealed class HostileDataTests(ITestOutputHelper output) : IDisposable
{
    private const int Mutants = 300;

    /// <summary>
    /// Per attempt, on the loading thread. The valid files are a few KB, so a reader within this cap allocated nothing
    /// a header promised; bombs expand to <see cref="BombZeros"/>.
    /// </summary>
    private const long AllocationCap = 64L << 20;

    /// <summary>Zeros behind a valid header in a bomb: 256 MiB, compressing to about 256 KB.</summary>
    private const long BombZeros = 256L << 20;

    private static readonly string[] ExtremeShapes =
    [
        "()", "(,)", "(-1, 4, 4)", "(4294967296, 4, 4)", "(99999999999999999999,)", "(12, 4, 4, 4)",
        "(1073741824, 1073741824, 16)", "(2147483647, 2147483647, 2147483647)", "(0, 2147483647, 2147483647)",
        "(1048576, 16, 16)", "(12, 1024, 1024)", "(12, 4, 4", "12, 4, 4)",
    ];

    private static readonly string[] ExtremeDescrs = ["'<f4'", "'|u2'", "'|u1", "'|b1'", "''"];

    /// <summary>Dimensions a crafted header declares: empty, tiny, and the values whose products wrap (2^30 · 2^30 · 16 = 2^64).</summary>
    private static readonly int[] CraftedDims = [0, 1, 2, 4, 12, 16, 1 << 16, 1 << 30, int.MaxValue];

    private readonly MnistFixtures _fx = new();

    [Fact]
    public void LoadIdxPair_MutatedRawFiles_LoadOrRefuseWithinCap()
    {
        var mutator = new FileMutator(seed: 1);
        var (images, labels) = ValidIdxPair();
        var outcomes = new HostileOutcomes<DataFormatException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            bool mutateImages = mutator.Random.Next(2) == 0;
            var (bytes, what) = (mutator.Random.Next(4), mutateImages) switch
            {
                (0, true) => CraftedIdx(mutator.Random, IdxReader.ImagesMagic, 3),
                (0, false) => CraftedIdx(mutator.Random, IdxReader.LabelsMagic, 1),
                (_, true) => mutator.Mutate(images, 16, [0, 4, 8, 12], bigEndian: true),
                _ => mutator.Mutate(labels, 8, [0, 4], bigEndian: true),
            };
            File.WriteAllBytes(_fx.PathOf("images"), mutateImages ? bytes : images);
            File.WriteAllBytes(_fx.PathOf("labels"), mutateImages ? labels : bytes);

            outcomes.Attempt($"raw mutant {i} of the {(mutateImages ? "images" : "labels")}: {what}", () => MnistLoader.LoadIdxPair(_fx.PathOf("images"), _fx.PathOf("labels")), Reason);
        }

        Report(outcomes);
    }

    [Fact]
    public void LoadIdxPair_MutatedGzipFiles_LoadOrRefuseWithinCap()
    {
        var mutator = new FileMutator(seed: 2);
        var (images, labels) = ValidIdxPair();
        var bombs = new[]
        {
            MnistFixtures.GzipWithZeros(images, BombZeros),
            MnistFixtures.GzipWithZeros(MnistFixtures.IdxHeader(IdxReader.ImagesMagic, 40_000, 28, 28), BombZeros),
        };
        var outcomes = new HostileOutcomes<DataFormatException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            byte[] bytes;
            string what;
            switch (mutator.Random.Next(5))
            {
                case 0 or 1:
                    (bytes, what) = mutator.Mutate(images, 16, [0, 4, 8, 12], bigEndian: true);
                    (bytes, what) = (MnistFixtures.Gzip(bytes), "gzip of " + what);
                    break;
                case 2 or 3:
                    (bytes, what) = mutator.Mutate(MnistFixtures.Gzip(images), 10, [], bigEndian: false);
                    break;
                default:
                    int bomb = mutator.Random.Next(bombs.Length);
                    int keep = mutator.Random.Next(2) == 0 ? bombs[bomb].Length : mutator.Random.Next(bombs[bomb].Length);
                    (bytes, what) = (bombs[bomb][..keep], $"bomb {bomb} cut at {keep}");
                    break;
            }

            File.WriteAllBytes(_fx.PathOf("images.gz"), bytes);
            File.WriteAllBytes(_fx.PathOf("labels.gz"), MnistFixtures.Gzip(labels));

            outcomes.Attempt($"gzip mutant {i}: {what}", () => MnistLoader.LoadIdxPair(_fx.PathOf("images.gz"), _fx.PathOf("labels.gz")), Reason);
        }

        Report(outcomes);
    }

    [Fact]
    public void LoadNpz_MutatedArchives_LoadOrRefuseWithinCap()
    {
        var mutator = new FileMutator(seed: 3);
        var arrays = MnistFixtures.MnistLikeArrays(12, 6);
        var valid = MnistFixtures.Npz(arrays);
        var bomb = NpzBomb(arrays);
        var outcomes = new HostileOutcomes<DataFormatException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            byte[] bytes;
            string what;
            switch (mutator.Random.Next(7))
            {
                case 6:
                    var crafted = arrays.Keys.ElementAt(mutator.Random.Next(arrays.Count));
                    var (craftedNpy, shape) = CraftedNpy(mutator.Random, crafted.StartsWith('x') ? 3 : 1);
                    bytes = MnistFixtures.Npz(new Dictionary<string, byte[]>(arrays) { [crafted] = craftedNpy });
                    what = $"{crafted}: crafted {shape}";
                    break;
                case 0 or 1:
                    var name = arrays.Keys.ElementAt(mutator.Random.Next(arrays.Count));
                    var (npy, change) = MutateNpy(mutator, arrays[name]);
                    bytes = MnistFixtures.Npz(new Dictionary<string, byte[]>(arrays) { [name] = npy });
                    what = $"{name}: {change}";
                    break;
                case 2 or 3 or 4:
                    (bytes, what) = mutator.Mutate(valid, valid.Length, ZipFields(valid), bigEndian: false);
                    break;
                default:
                    int keep = mutator.Random.Next(2) == 0 ? bomb.Length : mutator.Random.Next(bomb.Length);
                    (bytes, what) = (bomb[..keep], $"bomb cut at {keep}");
                    break;
            }

            File.WriteAllBytes(_fx.PathOf("mnist.npz"), bytes);

            outcomes.Attempt($"npz mutant {i}: {what}", () => MnistLoader.LoadNpz(_fx.PathOf("mnist.npz")), Reason);
        }

        Report(outcomes);
    }

    public void Dispose() => _fx.Dispose();

    private static (byte[] Images, byte[] Labels) ValidIdxPair() =>
        (MnistFixtures.Idx(IdxReader.ImagesMagic, 12, 4, 4), MnistFixtures.IdxLabels([.. Enumerable.Range(0, 12).Select(i => (byte)(i % 10))]));

    /// <summary>
    /// A crafted IDX file: extreme dimensions and exactly as many data bytes as a naive reader computes from them
    /// (their product in unchecked 64-bit arithmetic, which wraps), when that is small enough to write.
    /// </summary>
    private static (byte[] Bytes, string What) CraftedIdx(Random random, int magic, int rank)
    {
        var dims = Enumerable.Range(0, rank).Select(_ => CraftedDims[random.Next(CraftedDims.Length)]).ToArray();
        long naive = NaiveProduct(dims);
        int data = naive is >= 0 and <= 1 << 20 ? (int)naive : 192;
        return ([.. MnistFixtures.IdxHeader(magic, dims), .. new byte[data]], $"crafted {string.Join('x', dims)} with {data} data bytes");
    }

    /// <summary>As <see cref="CraftedIdx"/>, for a .npy array.</summary>
    private static (byte[] Bytes, string Shape) CraftedNpy(Random random, int rank)
    {
        var shape = Enumerable.Range(0, rank).Select(_ => CraftedDims[random.Next(CraftedDims.Length)]).ToArray();
        long naive = NaiveProduct(shape);
        int data = naive is >= 0 and <= 1 << 20 ? (int)naive : 192;
        return (MnistFixtures.Npy("|u1", false, shape, new byte[data]), $"({string.Join(", ", shape)}) with {data} data bytes");
    }

    private static long NaiveProduct(int[] dims)
    {
        long product = 1;
        foreach (int d in dims)
        {
            product = unchecked(product * d);
        }

        return product;
    }

    /// <summary>A .npy mutant: its header length, version, shape or dtype set to an extreme, or a generic mutation.</summary>
    private static (byte[] Bytes, string What) MutateNpy(FileMutator mutator, byte[] npy)
    {
        var random = mutator.Random;
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8));
        var header = Encoding.Latin1.GetString(npy, 10, headerLength);
        switch (random.Next(4))
        {
            case 0:
                var shape = ExtremeShapes[random.Next(ExtremeShapes.Length)];
                var start = header.IndexOf('(', StringComparison.Ordinal);
                var end = header.IndexOf(')', StringComparison.Ordinal);
                return (WithHeader(npy, header[..start] + shape + header[(end + 1)..], random.Next(3) > 0), $"shape {shape}");
            case 1:
                var descr = ExtremeDescrs[random.Next(ExtremeDescrs.Length)];
                return (WithHeader(npy, header.Replace("'|u1'", descr, StringComparison.Ordinal), random.Next(3) > 0), $"descr {descr}");
            case 2:
                var version = (byte)new[] { 0, 2, 3, 4, 255 }[random.Next(5)];
                var bytes = (byte[])npy.Clone();
                bytes[6] = version;
                return (bytes, $"version {version}");
            default:
                return mutator.Mutate(npy, 10 + headerLength, [6, 8], bigEndian: false);
        }
    }

    /// <summary>The array with <paramref name="header"/> as its header text, its length field updated or (a lie) left as it was.</summary>
    private static byte[] WithHeader(byte[] npy, string header, bool fixLength)
    {
        int oldLength = BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8));
        var text = Encoding.Latin1.GetBytes(header);
        byte[] bytes = [.. npy.AsSpan(0, 10), .. text, .. npy.AsSpan(10 + oldLength)];
        if (fixLength)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }

        return bytes;
    }

    /// <summary>Offsets of the zip's 32-bit size and offset fields: each local header's sizes, each central entry's sizes and offset, the end record's.</summary>
    private static List<int> ZipFields(byte[] zip)
    {
        var fields = new List<int>();
        for (int at = 0; at + 4 <= zip.Length; at++)
        {
            switch (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)))
            {
                case 0x04034B50:
                    fields.AddRange([at + 18, at + 22, at + 26]);
                    break;
                case 0x02014B50:
                    fields.AddRange([at + 20, at + 24, at + 28, at + 42]);
                    break;
                case 0x06054B50:
                    fields.AddRange([at + 8, at + 12, at + 16]);
                    break;
            }
        }

        return fields;
    }

    /// <summary>A valid npz whose x_train entry has <see cref="BombZeros"/> zeros after its array (the entry declares them).</summary>
    private static byte[] NpzBomb(Dictionary<string, byte[]> arrays)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in arrays)
            {
                using var stream = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal).Open();
                stream.Write(content);
                var chunk = new byte[1 << 20];
                for (long left = name == "x_train" ? BombZeros : 0; left > 0; left -= chunk.Length)
                {
                    stream.Write(chunk);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A refusal's reason without its numbers and names, so the summary counts kinds of problem.</summary>
    private static string Reason(DataFormatException e) =>
        new string([.. e.Problem.TakeWhile(c => !char.IsDigit(c) && c is not ('(' or '\''))]).Trim();

    /// <summary>Prints what the mutants did, then checks they exercised both outcomes (some still load: data bytes changed).</summary>
    private void Report(HostileOutcomes<DataFormatException> outcomes)
    {
        output.WriteLine($"{outcomes.Loaded} loaded; refused: {outcomes.Reasons}");
        outcomes.AssertBothSeen();
    }
}
