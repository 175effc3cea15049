using Siamese.Host.Tests.Commands;

namespace Siamese.Host.Tests;

/// <summary>
/// Every kind of bad input a user can give, against the real program: each is refused with one clear line
/// naming the setting or file, exit code 2, no stack trace, and nothing started that should not be.
/// (The readers' own refusals of bad data files are tested beside them, in tests/Pipeline.Tests/Data.)
/// </summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static void Refused(HostProcess.Result result, string mentions)
    {
        Assert.True(result.ExitCode == ExitCode.BadInput, $"exit {result.ExitCode}:\n{result.Output}");
        Assert.Contains(mentions, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Theory]
    [InlineData("--Pipeline:BatchSize=1", "Pipeline:BatchSize")]
    [InlineData("--Pipeline:Augmentation:FillMode=mirror", "Pipeline:Augmentation:FillMode")]
    [InlineData("--Training:Epochs=0", "Training:Epochs")]
    [InlineData("--Training:LearningRate=0", "Training:LearningRate")]
    [InlineData("--Data:ValidationFraction=1", "Data:ValidationFraction")]
    [InlineData("--Model:Distance=cosine", "Distance")]
    [InlineData("--Training:Epochs=many", "Epochs")]
    public void Train_BadSetting_ExitsTwoNamingTheKey(string setting, string key)
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, setting);

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains(key, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")));
    }

    [Fact]
    public void Run_MalformedAppsettings_ExitsTwoNamingTheFile()
    {
        using var host = new HostProcess();
        File.WriteAllText(Path.Combine(host.Home, "appsettings.json"), "{ \"Training\": { ");

        var result = host.Run(Timeout);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Fact]
    public void Run_ProfileWithoutItsSettingsFile_ExitsTwoNamingTheFileAndTheClosestProfile()
    {
        using var host = new HostProcess();
        File.WriteAllText(Path.Combine(host.Home, "appsettings.Fast.json"), "{ \"Training\": { \"Epochs\": 1 } }");
        host.Environment["DOTNET_ENVIRONMENT"] = "fast";

        var result = host.Run(Timeout, "--Training:Epochs=1");

        Refused(result, "DOTNET_ENVIRONMENT=fast: there is no appsettings.fast.json");
        Assert.Contains("did you mean Fast?", result.Output);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")));
    }

    [Fact]
    public void Run_UnknownVerb_ExitsTwo()
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, "trian");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command or argument 'trian'", result.Output);
    }

    [Fact]
    public void Train_CorruptDataFile_ExitsTwoNamingTheFile()
    {
        using var host = new HostProcess(settings => settings["Data"]!["Directory"] = "bad-data");
        var data = Directory.CreateDirectory(Path.Combine(host.Home, "bad-data")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(HostProcess.RepositoryRoot, "data", "mnist")))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }

        var images = Path.Combine(data, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);

        var result = host.Run(Timeout, "--Output:Directory=runs/corrupt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("train-images-idx3-ubyte: truncated", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")), "a refused run left its folder");
    }

    [Fact]
    public void Train_CorruptImageInAnImageSet_ExitsTwoNamingTheFileAndWritesNothing()
    {
        using var host = new HostProcess();
        var images = Path.Combine(host.Home, "my-images");
        foreach (var name in new[] { "a", "b", "c" })
        {
            Directory.CreateDirectory(Path.Combine(images, name));
            for (int i = 0; i < 3; i++)
            {
                TestFiles.WriteDigitPicture(Path.Combine(images, name, $"{i}.png"), darkOnLight: i % 2 == 0);
            }
        }

        var corrupt = Path.Combine(images, "b", "1.png");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(corrupt)[..60]);

        var result = host.Run(Timeout, "--Data:Images=my-images", "--Output:Directory=runs/mine");

        Refused(result, "1.png");
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")), "a refused run left its folder");
    }

    [Fact]
    public void Evaluate_TruncatedWeights_ExitsTwoNamingTheFile()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "cut");
        TestFiles.WriteTinyModel(model);
        var weights = Path.Combine(model, RunFiles.Weights);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);

        var result = host.Run(Timeout, "evaluate", "--model", weights, "--Evaluation:TestPairs=100");

        Refused(result, weights);
    }

    [Fact]
    public void EvaluateAndShow_OutputThatCannotBeWritten_RefusedBeforeAnyWork()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);
        var file = Path.Combine(host.Home, "a-file");
        File.WriteAllText(file, "kept");

        var evaluate = host.Run(Timeout, "evaluate", "--model", model, "--output", file, "--Evaluation:TestPairs=100");
        var show = host.Run(Timeout, "show", "test:0", "--output", Path.Combine(file, "digit.png"));

        Refused(evaluate, $"Output {file} cannot be written: {file} is a file, not a folder");
        Assert.DoesNotContain("Loaded MNIST", evaluate.Output);
        Refused(show, $"{file} is a file, not a folder");
        Assert.Equal("kept", File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(host.Home, "*" + AtomicFile.TemporaryMarker + "*"));
    }

    [Fact]
    public void Evaluate_MissingModelOrNoModelJson_ExitsTwoNamingIt()
    {
        using var host = new HostProcess();
        var stray = Path.Combine(host.Home, "stray.bin");
        File.WriteAllText(stray, "weights?");

        Refused(host.Run(Timeout, "evaluate", "--model", "runs/nothing-here"), "runs/nothing-here does not exist");
        Refused(host.Run(Timeout, "evaluate", "--model", stray), "no model.json beside it");
    }

    [Fact]
    public void Compare_BadPictures_ExitTwoNamingTheFile()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);
        var text = Path.Combine(host.Home, "notes.png");
        File.WriteAllText(text, "not a picture");

        Refused(host.Run(Timeout, "compare", text, "test:1", "--model", model), $"Image {text} is not a PNG or JPEG picture");
        Refused(host.Run(Timeout, "compare", "missing.png", "test:1", "--model", model), "missing.png does not exist");
        Refused(host.Run(Timeout, "compare", "test:x", "test:1", "--model", model), "'test:x'");
    }

    [Theory]
    [InlineData("--Pipeline:ProducerCapacity=0", "Pipeline:ProducerCapacity must be at least 1 (got '0')")]
    [InlineData("--Pipeline:BatchCapacity=0", "Pipeline:BatchCapacity")]
    [InlineData("--Pipeline:Augmentation:RotationRange=-5", "Pipeline:Augmentation:RotationRange")]
    [InlineData("--Pipeline:Augmentation:ZoomRange=-0.1", "Pipeline:Augmentation:ZoomRange")]
    [InlineData("--Data:ValidationFraction=0", "Data:ValidationFraction")]
    [InlineData("--Training:LearningRate=-1", "Training:LearningRate must be a positive number")]
    [InlineData("--Model:Dropout=1.5", "Model:Dropout")]
    [InlineData("--Evaluation:Threshold=1", "Evaluation:Threshold")]
    public void Train_OptionOutOfRange_ExitsTwoNamingTheKeyBeforeAnyOutput(string setting, string message)
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, setting);

        Refused(result, message);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")));
    }

    [Fact]
    public void Run_UnknownKeyInASettingsFile_WarnsWithTheClosestKey()
    {
        using var host = new HostProcess(settings => settings["Training"] = new System.Text.Json.Nodes.JsonObject { ["Epoch"] = 3 });

        var result = host.Run(Timeout, "fetch-data");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("Training:Epoch is not a setting and is ignored; did you mean Training:Epochs?", result.Output);
    }

    [Theory]
    [InlineData("--Training:Epoch=3", "Training:Epoch is not a setting; did you mean Training:Epochs?")]
    [InlineData("--Training:Epochs:0=5", "Training:Epochs:0 is not a setting: Training:Epochs takes one value")]
    [InlineData("--epochs 3", "Unknown option '--epochs' for 'fetch-data'; did you mean --Training:Epochs=<value>?")]
    [InlineData("--bogus /tmp/somewhere", "Unknown option '--bogus' for 'fetch-data'")]
    public void Run_UnknownKeyOrFlagTyped_ExitsTwoWithTheClosestKey(string typed, string message)
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, ["fetch-data", .. typed.Split(' ')]);

        Refused(result, message);
        Assert.DoesNotContain("Split test", result.Output);
    }

    [Fact]
    public void Train_OutputFolderCannotBeCreated_RefusedBeforeLoadingData()
    {
        using var host = new HostProcess();
        File.WriteAllText(Path.Combine(host.Home, "a-file"), "x");

        var result = host.Run(Timeout, "--Output:Directory=a-file/run");

        Refused(result, "a-file/run cannot be created");
        Assert.DoesNotContain("Loaded MNIST", result.Output);
    }

    [Fact]
    public void Train_RunFolderHeldByAnotherInstance_RefusedWithoutTouchingIt()
    {
        using var host = new HostProcess();
        var folder = Path.Combine(host.Home, "runs", "busy");
        using var other = RunDirectory.Open(folder);
        File.WriteAllText(other.File("history.csv"), "kept");

        var result = host.Run(Timeout, "--Output:Directory=runs/busy");

        Refused(result, "is in use by another running instance");
        Assert.Equal("kept", File.ReadAllText(other.File("history.csv")));
        Assert.DoesNotContain("Loaded MNIST", result.Output);
    }

    [Fact]
    public void Train_NoDataAndNoReachableSource_ExitsTwoWithEveryReason()
    {
        using var host = new HostProcess(settings => settings["Data"]!["Directory"] = "empty");

        var result = host.Run(Timeout, "--Data:Sources:0=keras-npz", "--Data:Sources:1=keras-npz", "--Data:KerasUrl=http://127.0.0.1:9/mnist.npz", "--Output:Directory=runs/nodata");

        Refused(result, "no source could fetch it");
        Assert.Contains("Set Data:Directory or Data:File", result.Output);
        Assert.False(File.Exists(Path.Combine(host.Home, "empty", "mnist.npz")));
    }

    [Fact]
    public void Train_ResumeFromTruncatedCheckpoint_ExitsTwoNamingTheFile()
    {
        using var host = new HostProcess();
        var folder = Directory.CreateDirectory(Path.Combine(host.Home, "runs", "cut")).FullName;
        File.WriteAllBytes(Path.Combine(folder, RunFiles.Checkpoint), "SIAMCKP1"u8.ToArray());

        var result = host.Run(Timeout, "--Training:ResumeFrom=runs/cut");

        Refused(result, RunFiles.Checkpoint);
    }

    [Fact]
    public void Train_ResumeFromMissingCheckpoint_ExitsTwoNamingTheSetting()
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, "--Training:ResumeFrom=runs/never");

        Refused(result, "Training:ResumeFrom 'runs/never' is neither a checkpoint file nor a run folder");
    }
}
