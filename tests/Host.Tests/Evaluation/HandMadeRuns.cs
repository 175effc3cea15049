using System.IO.Compression;
using SkiaSharp;

namespace Siamese.Host.Tests.Evaluation;

/// <summary>
/// A tiny set of one-shot runs in all_runs.zip's format, made by hand so that its answer is known: distinct drawn shapes
/// (dark ink on white paper, 105 × 105, as Omniglot's) as the classes, and test items that are exact copies of class
/// pictures. With a contrastive model a picture's similarity to its own copy is 1 and to any other picture below 1 (the
/// tests check that), so the item picks the class it copies, whatever the training did.
/// </summary>
/// <remarks>
/// run01: classes shapes 0, 1, 2; item01 and item02 copy class01, item03 copies class03; the key says item01 → class01,
/// item02 → class01, item03 → class02. Items are independent, so both of the first two are right (one-to-one assignment
/// would give one of them another class); item03 is wrong (it is not its key's class): error 1/3.
/// run02: classes shapes 3, 4, 5; item01 copies class02, item02 class03, item03 class01, and the key says so, its lines
/// in the order item03, item01, item02 (pairing sorted items with lines in file order would misread it): error 0.
/// Mean error 1/6 over 2 runs, 6 trials.
/// </remarks>
internal static class HandMadeRuns
{
    public const int Side = 105;

    public static readonly double[] RunErrors = [1.0 / 3, 0];

    public const double MeanError = 1.0 / 6;

    /// <summary>Per run, each item's expected prediction (the class its picture copies), items in their class_labels.txt order.</summary>
    public static readonly string[][] Predictions =
    [
        ["run01/training/class01.png", "run01/training/class01.png", "run01/training/class03.png"],
        ["run02/training/class01.png", "run02/training/class02.png", "run02/training/class03.png"],
    ];

    /// <summary>A contrastive model whose pictures are prepared as Omniglot's: inverted, 28 × 28.</summary>
    public static ModelOptions Model { get; } = new()
    {
        HiddenSizes = [16, 16],
        Similarity = SimilarityKind.Contrastive,
        Pictures = new PictureInput(Invert: true, CentreOfMass: false),
    };

    /// <summary>Writes the runs into <paramref name="root"/> (created) and returns it.</summary>
    public static string WriteFolder(string root)
    {
        WriteRun(root, "run01", shapes: [0, 1, 2], copies: [1, 1, 3], key: [1, 1, 2], lineOrder: [1, 2, 3]);
        WriteRun(root, "run02", shapes: [3, 4, 5], copies: [2, 3, 1], key: [2, 3, 1], lineOrder: [3, 1, 2]);
        return root;
    }

    /// <summary>Writes the runs and zips them as all_runs.zip is (run folders at the top); returns the zip's path.</summary>
    public static string WriteZip(string folder)
    {
        var runs = WriteFolder(Path.Combine(folder, "hand-made-runs"));
        var zip = Path.Combine(folder, "hand-made-runs.zip");
        ZipFile.CreateFromDirectory(runs, zip);
        return zip;
    }

    /// <param name="shapes">The shape of each class's picture.</param>
    /// <param name="copies">For each item, the class (from 1) its picture copies.</param>
    /// <param name="key">For each item, the class (from 1) class_labels.txt gives as its answer.</param>
    /// <param name="lineOrder">The items (from 1) in the order class_labels.txt lists them.</param>
    public static void WriteRun(string root, string run, int[] shapes, int[] copies, int[] key, int[] lineOrder)
    {
        Directory.CreateDirectory(Path.Combine(root, run, "training"));
        Directory.CreateDirectory(Path.Combine(root, run, "test"));
        for (int c = 0; c < shapes.Length; c++)
        {
            File.WriteAllBytes(Path.Combine(root, run, "training", $"class{c + 1:D2}.png"), Shape(shapes[c]));
        }

        for (int i = 0; i < copies.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(root, run, "test", $"item{i + 1:D2}.png"), Shape(shapes[copies[i] - 1]));
        }

        File.WriteAllLines(Path.Combine(root, run, "class_labels.txt"), lineOrder.Select(i => $"{run}/test/item{i:D2}.png {run}/training/class{key[i - 1]:D2}.png"));
    }

    /// <summary>A PNG of one of six strokes, dark ink on white paper.</summary>
    public static byte[] Shape(int shape)
    {
        using var bitmap = new SKBitmap(Side, Side);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var ink = new SKPaint { Color = SKColors.Black, StrokeWidth = 7, IsAntialias = false, Style = SKPaintStyle.Stroke };
            switch (shape)
            {
                case 0: canvas.DrawLine(15, 52, 90, 52, ink); break;
                case 1: canvas.DrawLine(52, 15, 52, 90, ink); break;
                case 2: canvas.DrawCircle(52, 52, 30, ink); break;
                case 3: canvas.DrawLine(15, 15, 90, 90, ink); canvas.DrawLine(90, 15, 15, 90, ink); break;
                case 4: canvas.DrawRect(20, 20, 65, 40, ink); break;
                default: canvas.DrawLine(20, 85, 52, 15, ink); canvas.DrawLine(52, 15, 85, 85, ink); canvas.DrawLine(20, 85, 85, 85, ink); break;
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
