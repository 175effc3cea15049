using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
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
/// <c>digit:8</c> (a seeded random test image of that digit), or a PNG/JPEG file.
/// </summary>
internal abstract record DigitSource(string Text)
{
    public sealed record TestImage(string Text, int Index) : DigitSource(Text);

    public sealed record RandomOfDigit(string Text, int Value) : DigitSource(Text);

    public sealed record ImageFile(string Text, string Path) : DigitSource(Text);

    public bool NeedsTestSet => this is not ImageFile;

    /// <summary>A file-name-safe name: "test-123", "digit-8" or the picture's file name without its extension.</summary>
    public string Slug => ArgumentPaths.Slug(this is ImageFile f ? System.IO.Path.GetFileNameWithoutExtension(f.Path) : Text);

    /// <exception cref="UserInputException">A <c>test:</c> or <c>digit:</c> reference whose number is not usable.</exception>
    public static DigitSource Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (text.StartsWith("test:", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                ? new TestImage(text, index)
                : throw new UserInputException($"'{text}': expected test:<index>, an index into the MNIST test set such as test:123.");
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
    /// <param name="test">The MNIST test set in file order (only read for test:/digit:).</param>
    /// <param name="random">Draws digit: samples.</param>
    /// <param name="taken">Test images already used, so that two digit: samples of one digit differ.</param>
    public Digit Resolve(LabeledImages? test, bool invert, Random random, ISet<int> taken, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(taken);
        switch (this)
        {
            case TestImage t:
                if (t.Index >= test!.Count)
                {
                    throw new UserInputException($"'{Text}': the test set has {test.Count} images (test:0 to test:{test.Count - 1}).");
                }

                taken.Add(t.Index);
                return new Digit(test.Image(t.Index).ToArray(), test.Labels[t.Index], Text);
            case RandomOfDigit d:
                var candidates = Enumerable.Range(0, test!.Count).Where(i => test.Labels[i] == d.Value && !taken.Contains(i)).ToArray();
                if (candidates.Length == 0)
                {
                    throw new UserInputException($"'{Text}': the test set has no (further) image of digit {d.Value}.");
                }

                int chosen = candidates[random.Next(candidates.Length)];
                taken.Add(chosen);
                return new Digit(test.Image(chosen).ToArray(), d.Value, $"{Text} (test:{chosen})");
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

/// <summary>What the verbs that take digits log about them.</summary>
internal static partial class DigitLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Picture} has a light background: if it is a dark digit on paper, add --invert")]
    public static partial void LooksInverted(ILogger logger, string picture);
}
