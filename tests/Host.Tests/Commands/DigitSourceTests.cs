using Siamese.Host.Imaging;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Commands;

public sealed class DigitSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-digits-").FullName;

    private static LabeledImages TestSet()
    {
        var classes = SyntheticDigits.Classes(3, 7);
        var pixels = classes.SelectMany(c => c.Pixels.ToArray()).ToArray();
        var labels = classes.SelectMany(c => Enumerable.Repeat((byte)c.Label, c.Count)).ToArray();
        return new LabeledImages(pixels, labels, 28, 28);
    }

    [Theory]
    [InlineData("test:12", typeof(DigitSource.Indexed))]
    [InlineData("train:0", typeof(DigitSource.Indexed))]
    [InlineData("validation:7", typeof(DigitSource.Indexed))]
    [InlineData("digit:8", typeof(DigitSource.RandomOfDigit))]
    [InlineData("my-eight.png", typeof(DigitSource.ImageFile))]
    public void Parse_EachForm_GivesItsKind(string text, Type kind) =>
        Assert.IsType(kind, DigitSource.Parse(text));

    [Theory]
    [InlineData("test:abc")]
    [InlineData("test:-1")]
    [InlineData("digit:12")]
    [InlineData("train:x")]
    [InlineData("validation:-3")]
    public void Parse_BadNumber_RefusesNamingTheArgument(string text)
    {
        var e = Assert.Throws<UserInputException>(() => DigitSource.Parse(text));

        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Resolve_TestIndexAndDigitSamples_GiveLabelsAndDistinctImages()
    {
        var test = DigitLibrary.TestOnly(TestSet());
        var taken = new HashSet<int>();
        var random = new Random(1);

        var indexed = DigitSource.Parse("test:4").Resolve(test, false, random, taken);
        var first = DigitSource.Parse("digit:8").Resolve(test, false, random, taken);
        var second = DigitSource.Parse("digit:8").Resolve(test, false, random, taken);

        Assert.Equal(1, indexed.Label);
        Assert.Equal(test.Test.Image(4).ToArray(), indexed.Pixels);
        Assert.Equal((8, 8), (first.Label!.Value, second.Label!.Value));
        Assert.NotEqual(first.Description, second.Description);
        Assert.Throws<UserInputException>(() => DigitSource.Parse("test:30").Resolve(test, false, random, taken));
    }

    [Fact]
    public void Resolve_TrainAndValidationIndices_AreTheSplitsImagesInFileOrder()
    {
        var file = TestSet();
        var library = new DigitLibrary(file, file, TrainIndices: [0, 2, 5], ValidationIndices: [1, 3]);
        var random = new Random(1);

        var train = DigitSource.Parse("train:2").Resolve(library, false, random, new HashSet<int>());
        var validation = DigitSource.Parse("validation:1").Resolve(library, false, random, new HashSet<int>());

        Assert.Equal(file.Image(5).ToArray(), train.Pixels);
        Assert.Equal(file.Labels[5], train.Label);
        Assert.Equal(file.Image(3).ToArray(), validation.Pixels);
        var e = Assert.Throws<UserInputException>(() => DigitSource.Parse("validation:2").Resolve(library, false, random, new HashSet<int>()));
        Assert.Contains("validation:0 to validation:1", e.Message);
    }

    [Fact]
    public void Load_DarkDigitOnLightPaperWithInvert_IsMnistLike()
    {
        var path = Path.Combine(_folder, "dark.png");
        TestFiles.WriteDigitPicture(path, darkOnLight: true);

        var digit = DigitImageFile.Load(path, invert: true);

        Assert.Equal(784, digit.Pixels.Length);
        Assert.Equal(0, digit.Pixels[0]);
        Assert.InRange(digit.Pixels.Max(), 240, 255);
        var (row, column) = DigitImage.CentreOfMass(digit.Pixels, 28, 28);
        Assert.InRange(row, 13, 14);
        Assert.InRange(column, 13, 14);
    }

    [Fact]
    public void Load_DarkDigitWithoutInvert_SaysToAddInvert()
    {
        var path = Path.Combine(_folder, "dark.png");
        TestFiles.WriteDigitPicture(path, darkOnLight: true);

        var e = Assert.Throws<UserInputException>(() => DigitImageFile.Load(path, invert: false));

        Assert.Contains("--invert", e.Message);
    }

    [Fact]
    public void Load_NotAnImage_RefusesNamingTheFile()
    {
        var path = Path.Combine(_folder, "notes.png");
        File.WriteAllText(path, "not a picture");

        var e = Assert.Throws<UserInputException>(() => DigitImageFile.Load(path, invert: false));

        Assert.Contains(path, e.Message);
        Assert.Contains("cannot be decoded", e.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
