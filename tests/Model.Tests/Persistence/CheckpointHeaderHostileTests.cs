using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Siamese.Tests.Shared;

namespace Siamese.Model.Tests;

/// <summary>
/// A checkpoint's header (magic, length, JSON) as a hostile or damaged file has it: each of a few hundred seeded
/// mutants is either read or refused with <see cref="CheckpointException"/>, never another exception type, and no read
/// allocates more than <see cref="AllocationCap"/>.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointHeaderHostileTests : IDisposable
{
    private const int Mutants = 300;

    /// <summary>Per attempt, on the reading thread; the valid header is under 1 KB and the whole file under 100 KB.</summary>
    private const long AllocationCap = CheckpointFile.MaxHeaderLength;

    /// <summary>Edits of the header's JSON: model options out of range, wrong types, nesting, duplicates, odd numbers.</summary>
    private static readonly (string What, Func<string, string> Edit)[] JsonEdits =
    [
        ("HiddenSizes [4000000]", json => SetModel(json, "HiddenSizes", "[4000000]")),
        ("HiddenSizes [2147483647, 2147483647]", json => SetModel(json, "HiddenSizes", "[2147483647, 2147483647]")),
        ("HiddenSizes [-1]", json => SetModel(json, "HiddenSizes", "[-1]")),
        ("HiddenSizes []", json => SetModel(json, "HiddenSizes", "[]")),
        ("HiddenSizes 10000 entries", json => SetModel(json, "HiddenSizes", $"[{string.Join(',', Enumerable.Repeat(4, 10_000))}]")),
        ("HiddenSizes \"x\"", json => SetModel(json, "HiddenSizes", "\"x\"")),
        ("InputSize 1e400", json => SetModel(json, "InputSize", "1e400")),
        ("InputSize -1", json => SetModel(json, "InputSize", "-1")),
        ("Tower Conv, InputSize 2147483647", json => SetModel(SetModel(json, "Tower", "\"Conv\""), "InputSize", "2147483647")),
        ("ConvChannels [512, 512, 512, 512]", json => SetModel(SetModel(json, "Tower", "\"Conv\""), "ConvChannels", "[512, 512, 512, 512]")),
        ("Margin NaN", json => SetModel(json, "Margin", "\"NaN\"")),
        ("Model null", json => json.Replace("\"Model\":{", "\"Model\":null,\"Was\":{", StringComparison.Ordinal)),
        ("Model []", json => json.Replace("\"Model\":{", "\"Model\":[],\"Was\":{", StringComparison.Ordinal)),
        ("Model removed", json => json.Replace("\"Model\":", "\"Modell\":", StringComparison.Ordinal)),
        ("duplicate Model", json => "{\"Model\":1," + json[1..]),
        ("duplicate nested", json => json.Replace("\"Model\":{", "\"Model\":{\"Tower\":\"Mlp\",", StringComparison.Ordinal)),
        ("depth 40", json => json.Replace("\"Progress\":", $"\"Deep\":{new string('[', 40)}{new string(']', 40)},\"Progress\":", StringComparison.Ordinal)),
        ("depth 10000", json => json.Replace("\"Progress\":", $"\"Deep\":{new string('[', 10_000)}{new string(']', 10_000)},\"Progress\":", StringComparison.Ordinal)),
        ("not an object", json => $"[{json}]"),
        ("bare number", _ => "1e400"),
        ("trailing garbage", json => json + "}}"),
        ("BOM", json => "\uFEFF" + json),
    ];

    private readonly string directory = Directory.CreateTempSubdirectory("checkpoint-hostile-").FullName;

    [Fact]
    public void ReadHeader_MutatedCheckpoints_ReadOrRefuseWithinCap()
    {
        var valid = ValidCheckpoint();
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(valid.AsSpan(8));
        var json = Encoding.UTF8.GetString(valid, 12, jsonLength);
        var state = valid[(12 + jsonLength)..];
        var mutator = new FileMutator(seed: 4);
        var outcomes = new HostileOutcomes<CheckpointException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            byte[] bytes;
            string what;
            switch (mutator.Random.Next(5))
            {
                case 0 or 1:
                    (bytes, what) = mutator.Mutate(valid, 12 + jsonLength, [0, 4, 8], overwriteAnywhere: false);
                    break;
                case 2 or 3:
                    var (edit, change) = JsonEdits[mutator.Random.Next(JsonEdits.Length)];
                    bool keepLength = mutator.Random.Next(4) == 0;
                    var text = Encoding.UTF8.GetBytes(change(Compact(json)));
                    bytes = Checkpoint(text, keepLength ? jsonLength : text.Length, state);
                    what = edit + (keepLength ? " (old length)" : string.Empty);
                    break;
                default:
                    long rest = valid.Length - 12;
                    uint length = (uint)new[] { rest, rest + 1, CheckpointFile.MaxHeaderLength, CheckpointFile.MaxHeaderLength + 1L, jsonLength - 1, jsonLength + 1 }[mutator.Random.Next(6)];
                    bytes = (byte[])valid.Clone();
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), length);
                    what = $"length {length}";
                    break;
            }

            var path = Path.Combine(directory, "checkpoint.bin");
            File.WriteAllBytes(path, bytes);
            outcomes.Attempt($"mutant {i} ({what})", () => CheckpointFile.ModelOf(path, CheckpointFile.ReadHeader(path)));
        }

        outcomes.AssertBothSeen();
    }

    [Fact]
    public void ReadHeader_LengthBeyondTheFile_RefusedBeforeAllocatingIt()
    {
        var bytes = ValidCheckpoint();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), CheckpointFile.MaxHeaderLength);
        var path = Path.Combine(directory, "checkpoint.bin");
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.ReadHeader(path));

        Assert.Contains($"has a corrupt header (length {CheckpointFile.MaxHeaderLength}; {bytes.Length - 12} bytes follow", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the declared length was allocated before it was checked");
    }

    [Theory]
    [InlineData("duplicate Model", "Duplicate property 'Model'")]
    [InlineData("depth 40", "maximum configured depth of 32")]
    [InlineData("not an object", "not a JSON object")]
    public void ReadHeader_JsonBeyondItsRules_Refused(string edit, string expected)
    {
        var valid = ValidCheckpoint();
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(valid.AsSpan(8));
        var text = Encoding.UTF8.GetBytes(JsonEdits.Single(e => e.What == edit).Edit(Compact(Encoding.UTF8.GetString(valid, 12, jsonLength))));
        var path = Path.Combine(directory, "checkpoint.bin");
        File.WriteAllBytes(path, Checkpoint(text, text.Length, valid[(12 + jsonLength)..]));

        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.ReadHeader(path));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ReadHeader_InvalidUtf8_Refused()
    {
        var valid = ValidCheckpoint();
        int at = valid.AsSpan(12).IndexOf("Mlp"u8) + 12;
        valid[at] = 0xFF;
        var path = Path.Combine(directory, "checkpoint.bin");
        File.WriteAllBytes(path, valid);

        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.ReadHeader(path));

        Assert.Contains("has a header that is not valid UTF-8", e.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A real checkpoint of a tiny model (784-4), with a progress object like the host's.</summary>
    private byte[] ValidCheckpoint()
    {
        var model = new ModelOptions { HiddenSizes = [4] };
        using var trainer = new SiameseTrainer(model, new TrainerSettings(), maxBatch: 2);
        var header = new JsonObject
        {
            [CheckpointFile.ModelProperty] = System.Text.Json.JsonSerializer.SerializeToNode(model, AtomicFile.Json),
            [CheckpointFile.ProgressProperty] = new JsonObject { ["CompletedEpochs"] = 2, ["History"] = new JsonArray(new JsonObject { ["Epoch"] = 1, ["Loss"] = 0.5 }) },
        };
        var path = Path.Combine(directory, "valid.bin");
        CheckpointFile.Write(path, header, trainer);
        return File.ReadAllBytes(path);
    }

    private static byte[] Checkpoint(byte[] json, int declaredLength, byte[] state)
    {
        var bytes = new byte[12 + json.Length + state.Length];
        "SIAMCKP2"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), declaredLength);
        json.CopyTo(bytes, 12);
        state.CopyTo(bytes, 12 + json.Length);
        return bytes;
    }

    private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    private static string SetModel(string json, string key, string value)
    {
        var header = JsonNode.Parse(json)!.AsObject();
        header[CheckpointFile.ModelProperty]![key] = JsonNode.Parse(value);
        return header.ToJsonString();
    }
}
