using System.Text;
using System.Text.Json.Nodes;
using Siamese.Tests.Shared;

namespace Siamese.Model.Tests;

/// <summary>
/// A <c>model.json</c> beside <c>model.bin</c> as a hostile or damaged copy has it: each of a few hundred seeded
/// mutants is either read or refused with <see cref="CheckpointException"/>, never another exception type, and no
/// read allocates more than <see cref="AllocationCap"/>.
/// </summary>
public sealed class ModelJsonHostileTests : IDisposable
{
    private const int Mutants = 300;

    /// <summary>Per attempt, on the reading thread; a real model.json is about 300 bytes.</summary>
    private const long AllocationCap = 4L << 20;

    private static readonly (string What, Func<string, string> Edit)[] JsonEdits =
    [
        ("HiddenSizes [4000000]", json => Set(json, "HiddenSizes", "[4000000]")),
        ("HiddenSizes [8192, 8192, 8192]", json => Set(json, "HiddenSizes", "[8192, 8192, 8192]")),
        ("HiddenSizes [2147483647]", json => Set(json, "HiddenSizes", "[2147483647]")),
        ("HiddenSizes [-1]", json => Set(json, "HiddenSizes", "[-1]")),
        ("HiddenSizes 10000 entries", json => Set(json, "HiddenSizes", $"[{string.Join(',', Enumerable.Repeat(4, 10_000))}]")),
        ("HiddenSizes {}", json => Set(json, "HiddenSizes", "{}")),
        ("InputSize 1e400", json => Set(json, "InputSize", "1e400")),
        ("InputSize 0", json => Set(json, "InputSize", "0")),
        ("Tower Conv, InputSize 2147483647", json => Set(Set(json, "Tower", "\"Conv\""), "InputSize", "2147483647")),
        ("Tower null", json => Set(json, "Tower", "null")),
        ("Dropout Infinity", json => Set(json, "Dropout", "\"Infinity\"")),
        ("duplicate InputSize", json => "{\"InputSize\":1," + json[1..]),
        ("depth 40", json => Set(json, "Extra", new string('[', 40) + new string(']', 40))),
        ("depth 10000", json => "{\"Extra\":" + new string('[', 10_000) + new string(']', 10_000) + "," + json[1..]),
        ("null", _ => "null"),
        ("array", json => $"[{json}]"),
        ("padded past the limit", json => json + new string(' ', ModelFile.MaxOptionsLength)),
        ("string of 60000", json => Set(json, "Note", $"\"{new string('x', 60_000)}\"")),
        ("BOM", json => "\uFEFF" + json),
        ("empty", _ => string.Empty),
    ];

    private readonly string directory = Directory.CreateTempSubdirectory("model-json-hostile-").FullName;

    [Fact]
    public void Resolve_MutatedModelJson_ReadOrRefuseWithinCap()
    {
        var weights = Path.Combine(directory, ModelFile.WeightsName);
        File.WriteAllBytes(weights, new byte[64]);
        var optionsPath = Path.Combine(directory, ModelFile.OptionsName);
        ModelFile.WriteOptions(directory, new ModelOptions { HiddenSizes = [4] });
        var valid = File.ReadAllBytes(optionsPath);
        var json = JsonNode.Parse(valid)!.ToJsonString();
        var mutator = new FileMutator(seed: 5);
        var outcomes = new HostileOutcomes<CheckpointException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            byte[] bytes;
            string what;
            if (mutator.Random.Next(2) == 0)
            {
                (bytes, what) = mutator.Mutate(valid, valid.Length, []);
            }
            else
            {
                var (edit, change) = JsonEdits[mutator.Random.Next(JsonEdits.Length)];
                (bytes, what) = (Encoding.UTF8.GetBytes(change(json)), edit);
            }

            File.WriteAllBytes(optionsPath, bytes);
            outcomes.Attempt($"mutant {i} ({what})", () => ModelFile.Resolve(weights));
        }

        outcomes.AssertBothSeen();
    }

    [Fact]
    public void Resolve_ModelJsonPastTheLimit_RefusedReadingNoFurther()
    {
        var weights = WriteWeightsWithOptions("{\"HiddenSizes\":[4]}" + new string(' ', 8 << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<CheckpointException>(() => ModelFile.Resolve(weights));

        Assert.Contains($"is not a valid model description (longer than {ModelFile.MaxOptionsLength} bytes)", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the whole file was read");
    }

    [Fact]
    public void Resolve_ModelJsonLinkedToDevZero_RefusedReadingNoFurther()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var weights = WriteWeightsWithOptions("{}");
        var optionsPath = Path.Combine(directory, ModelFile.OptionsName);
        File.Delete(optionsPath);
        File.CreateSymbolicLink(optionsPath, "/dev/zero");

        var e = Assert.Throws<CheckpointException>(() => ModelFile.Resolve(weights));

        Assert.Contains("longer than", e.Message);
    }

    [Theory]
    [InlineData("duplicate InputSize", "Duplicate property")]
    [InlineData("depth 40", "maximum configured depth of 32")]
    [InlineData("HiddenSizes [4000000]", "sizes between 1 and 8192")]
    [InlineData("HiddenSizes [8192, 8192, 8192]", "parameters, more than the 20,000,000 allowed")]
    public void Resolve_ModelJsonBeyondItsRules_Refused(string edit, string expected)
    {
        var json = JsonEdits.Single(e => e.What == edit).Edit("{\"InputSize\":784,\"HiddenSizes\":[4]}");
        var weights = WriteWeightsWithOptions(json);

        var e = Assert.Throws<CheckpointException>(() => ModelFile.Resolve(weights));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Resolve_ModelJsonWithByteOrderMark_Reads()
    {
        var weights = WriteWeightsWithOptions("\uFEFF{\"HiddenSizes\":[4]}");

        Assert.Equal([4], ModelFile.Resolve(weights).Options.GetHiddenSizes());
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string WriteWeightsWithOptions(string json)
    {
        var weights = Path.Combine(directory, ModelFile.WeightsName);
        File.WriteAllBytes(weights, new byte[64]);
        File.WriteAllText(Path.Combine(directory, ModelFile.OptionsName), json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return weights;
    }

    private static string Set(string json, string key, string value)
    {
        var options = JsonNode.Parse(json)!.AsObject();
        options[key] = JsonNode.Parse(value);
        return options.ToJsonString();
    }
}
