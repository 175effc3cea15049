using Siamese.Tests.Shared;

namespace Siamese.Model.Tests;

/// <summary>
/// A <c>model.bin</c> and a checkpoint's trainer state as a hostile or damaged copy has them: declared tensor types,
/// ranks and shapes are checked against the model before anything is read, so every mutant loads or is refused with
/// <see cref="CheckpointException"/>, and no load allocates more than the model itself.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class WeightsHostileTests : IDisposable
{
    private const int Mutants = 300;

    /// <summary>Per attempt, managed memory on the loading thread: the tiny model's weights are a few kilobytes.</summary>
    private const long AllocationCap = 16L << 20;

    private static readonly ModelOptions Tiny = new() { HiddenSizes = [4] };

    private readonly string directory = Directory.CreateTempSubdirectory("weights-hostile-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_RankDeclaredAsHuge_RefusedBeforeAllocating()
    {
        var valid = ValidWeights();
        // After the entry count (one LEB128 byte) and the first key ("tower.fc1.weight", a length byte and 16 bytes)
        // come the element type and the rank: the rank becomes 2^62.
        int rank = 1 + 1 + "tower.fc1.weight".Length + 1;
        var bytes = valid[..rank].Concat(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40 }).Concat(valid[(rank + 1)..]).ToArray();

        var (error, allocated) = Load(bytes, "model.bin");

        Assert.IsType<CheckpointException>(error);
        Assert.Contains("'tower.fc1.weight' is stored with 4611686018427387904 dimensions", error!.Message);
        Assert.True(allocated < AllocationCap, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Load_MutatedWeights_LoadOrRefuseWithinCap()
    {
        var valid = ValidWeights();
        var mutator = new FileMutator(seed: 17);
        var outcomes = new HostileOutcomes<CheckpointException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            var (bytes, what) = mutator.Mutate(valid, headerLength: 64, fields: [1, 19, 23], overwriteAnywhere: false);
            var path = Path.Combine(directory, $"mutant-{i}.bin");
            File.WriteAllBytes(path, bytes);
            outcomes.Attempt($"mutant {i} ({what})", () => SiameseModel.Load(path).Dispose());
        }

        Assert.True(outcomes.Refused > Mutants / 4, $"{outcomes.Loaded} loaded, {outcomes.Refused} refused: the mutations should mostly break the file");
    }

    [Fact]
    public void Restore_CheckpointWithMutatedTrainerState_LoadOrRefuseWithinCap()
    {
        using var trainer = new SiameseTrainer(Tiny, new TrainerSettings(), maxBatch: 2);
        var path = Path.Combine(directory, CheckpointFile.FileName);
        CheckpointFile.Write(path, new System.Text.Json.Nodes.JsonObject { [CheckpointFile.ModelProperty] = System.Text.Json.JsonSerializer.SerializeToNode(Tiny) }, trainer);
        var valid = File.ReadAllBytes(path);
        int stateStart = valid.Length - TrainerStateLength(trainer);
        var mutator = new FileMutator(seed: 29);
        var outcomes = new HostileOutcomes<CheckpointException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            var (state, what) = mutator.Mutate(valid[stateStart..], headerLength: 200, fields: [60, 70, 80], overwriteAnywhere: false);
            var mutant = Path.Combine(directory, $"mutant-{i}.bin");
            File.WriteAllBytes(mutant, [.. valid[..stateStart], .. state]);
            outcomes.Attempt($"mutant {i} ({what})", () =>
            {
                using var target = new SiameseTrainer(Tiny, new TrainerSettings(), maxBatch: 2);
                CheckpointFile.Restore(mutant, target);
            });
        }
    }

    private byte[] ValidWeights()
    {
        using var trainer = new SiameseTrainer(Tiny, new TrainerSettings(), maxBatch: 2);
        var path = Path.Combine(directory, ModelFile.WeightsName);
        trainer.SaveWeights(path);
        ModelFile.WriteOptions(directory, Tiny);
        return File.ReadAllBytes(path);
    }

    /// <summary>Loads <paramref name="bytes"/> as the model's weights (through <see cref="ModelFile"/>, as the verbs do); the error and the managed bytes allocated.</summary>
    private (Exception? Error, long Allocated) Load(byte[] bytes, string name)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var model = SiameseModel.Load(path);
            return (null, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        catch (Exception e)
        {
            return (e, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static int TrainerStateLength(SiameseTrainer trainer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            trainer.SaveState(writer);
        }

        return (int)stream.Length;
    }
}
