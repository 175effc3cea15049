using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Evaluation;
using Siamese.Host.Imaging;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>A resolved digit: 28×28 bytes (white on black), its label when known, and what it was.</summary>
internal sealed record Digit(byte[] Pixels, int? Label, string Description)
{
    /// <summary>The label for a title: the digit, or "?" for a user's picture.</summary>
    public string Title => Label?.ToString(CultureInfo.InvariantCulture) ?? "?";
}

/// <summary>
/// A digit as the user names it: <c>test:123</c> (the 124th image of the MNIST test set, in file order),
/// <c>train:N</c> or <c>validation:N</c> (the N-th image of the training or validation split, in file order: the
/// tutorial's first figure is <c>train:0</c>), <c>digit:8</c> (a seeded random test image of that digit), or a
/// PNG/JPEG file.
/// </summary>
internal abstract record DigitSource(string Text)
{
    public const string TestSplit = "test";
    public const string TrainSplit = "train";
    public const string ValidationSplit = "validation";

    /// <summary>The splits a digit spec or a <c>--split</c>/<c>--gallery</c> option names.</summary>
    public static readonly string[] Splits = [TestSplit, TrainSplit, ValidationSplit];

    /// <summary>An option naming a split (default: test); any other value is refused in one line.</summary>
    public static System.CommandLine.Option<string> SplitOption(string name, string description)
    {
        var option = new System.CommandLine.Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => TestSplit,
            HelpName = string.Join('|', Splits),
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Splits.Contains(value))
            {
                result.AddError($"{name} '{value}' is not a split: use {string.Join(", ", Splits)}");
            }
        });
        return option;
    }

    /// <summary>An image of a split by its index in file order.</summary>
    public sealed record Indexed(string Text, string Split, int Index) : DigitSource(Text);

    public sealed record RandomOfDigit(string Text, int Value) : DigitSource(Text);

    public sealed record ImageFile(string Text, string Path) : DigitSource(Text);

    public bool NeedsData => this is not ImageFile;

    /// <summary>A file-name-safe name: "test-123", "digit-8" or the picture's file name without its extension.</summary>
    public string Slug => ArgumentPaths.Slug(this is ImageFile f ? System.IO.Path.GetFileNameWithoutExtension(f.Path) : Text);

    /// <exception cref="UserInputException">A <c>test:</c>, <c>train:</c>, <c>validation:</c> or <c>digit:</c> reference whose number is not usable.</exception>
    public static DigitSource Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        foreach (var split in new[] { TestSplit, TrainSplit, ValidationSplit })
        {
            if (text.StartsWith(split + ":", StringComparison.OrdinalIgnoreCase))
            {
                return int.TryParse(text.AsSpan(split.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    ? new Indexed(text, split, index)
                    : throw new UserInputException($"'{text}': expected {split}:<index>, an index into the MNIST {split} images such as {split}:123.");
            }
        }

        if (text.StartsWith("digit:", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(text.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int digit) && digit <= MnistLoader.MaxLabel
                ? new RandomOfDigit(text, digit)
                : throw new UserInputException($"'{text}': expected digit:<0-9>, such as digit:8.");
        }

        return new ImageFile(text, ArgumentPaths.Input(text));
    }

    /// <summary>The digit's pixels and label.</summary>
    /// <param name="library">The MNIST images (only read for test:, train:, validation: and digit:).</param>
    /// <param name="random">Draws digit: samples.</param>
    /// <param name="taken">Test images already used, so that two digit: samples of one digit differ.</param>
    public Digit Resolve(DigitLibrary? library, bool invert, Random random, ISet<int> taken, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(taken);
        switch (this)
        {
            case Indexed { Split: TestSplit } t:
                var test = library!.Test;
                if (t.Index >= test.Count)
                {
                    throw new UserInputException($"'{Text}': the test set has {test.Count} images (test:0 to test:{test.Count - 1}).");
                }

                taken.Add(t.Index);
                return new Digit(test.Image(t.Index).ToArray(), test.Labels[t.Index], Text);
            case Indexed split:
                var indices = split.Split == TrainSplit ? library!.TrainIndices : library!.ValidationIndices;
                if (split.Index >= indices.Length)
                {
                    throw new UserInputException($"'{Text}': the {split.Split} split has {indices.Length} images ({split.Split}:0 to {split.Split}:{indices.Length - 1}).");
                }

                int fileIndex = indices[split.Index];
                return new Digit(library.TrainFile!.Image(fileIndex).ToArray(), library.TrainFile.Labels[fileIndex], $"{Text} (training file image {fileIndex})");
            case RandomOfDigit d:
                var images = library!.Test;
                var candidates = Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == d.Value && !taken.Contains(i)).ToArray();
                if (candidates.Length == 0)
                {
                    throw new UserInputException($"'{Text}': the test set has no (further) image of digit {d.Value}.");
                }

                int chosen = candidates[random.Next(candidates.Length)];
                taken.Add(chosen);
                return new Digit(images.Image(chosen).ToArray(), d.Value, $"{Text} (test:{chosen})");
            case ImageFile f:
                var file = DigitImageFile.Load(f.Path, invert);
                if (file.LooksDarkOnLight)
                {
                    warn?.Invoke(f.Path);
                }

                return new Digit(file.Pixels, null, f.Path);
            default:
                throw new InvalidOperationException("Unknown digit source.");
        }
    }
}
