namespace Siamese.Host.Tests.Commands;

/// <summary>The verbs on a model trained on a folder of named classes, as the real program.</summary>
public sealed class ImageSetEvaluateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void TrainAndEvaluate_ImageSetWithoutValidationClasses_NoValColumnsNamedClassesAndTheConfiguredThreshold()
    {
        using var host = new HostProcess();
        var images = Path.Combine(host.Home, "my-images");
        string[] classes = ["alpha", "beta", "gamma"];
        for (int c = 0; c < classes.Length; c++)
        {
            Directory.CreateDirectory(Path.Combine(images, classes[c]));
            for (int i = 0; i < 10; i++)
            {
                TestFiles.WriteDigitPicture(Path.Combine(images, classes[c], $"{i}.png"), darkOnLight: false, width: 40 + (10 * c) + i, height: 70);
            }
        }

        string[] data = ["--Data:Images=my-images", "--Data:ValidationFraction=0", "--Data:TestFraction=0.3", "--Training:ValidationSteps=0"];
        var train = host.Run(Timeout, [.. data, "--Training:Epochs=1", "--Training:StepsPerEpoch=5", "--Evaluation:TestPairs=100", "--Output:Directory=runs/mine"]);
        Assert.True(train.ExitCode == 0, train.Output);
        Assert.Matches(@"Epoch 1/1 - loss: [0-9.]+ - acc: [0-9.]+ - [0-9]+ pairs/s", train.Output);
        Assert.DoesNotContain("val_loss", train.Output);

        var evaluate = host.Run(Timeout, ["evaluate", "--model", "runs/mine", "--trials", "20", .. data, "--Evaluation:TestPairs=100", "--Evaluation:Threshold=0.625"]);

        Assert.True(evaluate.ExitCode == 0, evaluate.Output);
        Assert.Contains("No threshold calibrated", evaluate.Output);
        Assert.Matches(@"Most confused class pairs: (alpha|beta|gamma) vs (alpha|beta|gamma) ", evaluate.Output);
        Assert.Contains("Accuracy (%) per class pair at threshold 0.625", evaluate.Output);
        var export = host.Run(Timeout, "export", "--model", "runs/mine", "--Evaluation:Threshold=0.625");
        Assert.True(export.ExitCode == 0, export.Output);
        Assert.Equal("0.625", TestFiles.OnnxMetadata(Path.Combine(host.Home, "runs", "mine", "model.onnx"))["threshold"]);
    }

    [Theory]
    [InlineData("compare", "test:0", "test:1")]
    [InlineData("search", "test:0")]
    [InlineData("embed")]
    public void DigitVerbs_ImageSetModel_RefusedNamingWhatToUseInstead(string verb, params string[] arguments)
    {
        using var host = new HostProcess();
        var folder = Path.Combine(host.Home, "runs", "characters");
        TestFiles.WriteTinyModel(folder, options: TestFiles.TinyModel.Recorded(SimilarityKind.Sigmoid, 1, 1.0 / 255, new PictureInput(Invert: true, CentreOfMass: true)));

        var result = host.Run(Timeout, [verb, .. arguments, "--model", folder]);

        Assert.True(result.ExitCode == ExitCode.BadInput, $"exit {result.ExitCode}:\n{result.Output}");
        Assert.Contains($"was trained on an image set, and {verb} takes MNIST digits; for its classes use identify --gallery <folder>", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }
}
