using SkiaSharp;

namespace Siamese.Host.Tests.Commands;

/// <summary>Files the command tests need: a tiny trained model, drawn digit pictures, PNG sizes.</summary>
internal static class TestFiles
{
    /// <summary>A tutorial-shaped tower, narrowed so it trains in a blink; model.json carries the shape.</summary>
    public static ModelOptions TinyModel { get; } = new() { HiddenSizes = [16, 16] };

    /// <summary>Trains <see cref="TinyModel"/> (or <paramref name="options"/>) a few steps on synthetic digits; writes model.bin + model.json, and checkpoint.bin when asked.</summary>
    public static void WriteTinyModel(string folder, bool checkpoint = false, ModelOptions? options = null)
    {
        options ??= TinyModel;
        using var trainer = new SiameseTrainer(options, new TrainerSettings { Seed = 3 }, maxBatch: 16);
        var classes = SyntheticDigits.Classes(8, 5);
        var random = new Random(1);
        int size = SyntheticDigits.Side * SyntheticDigits.Side;
        var left = new float[16 * size];
        var right = new float[16 * size];
        var labels = new float[16];
        for (int step = 0; step < 20; step++)
        {
            for (int i = 0; i < 16; i++)
            {
                int a = random.Next(10);
                int b = i < 8 ? a : (a + 1 + random.Next(9)) % 10;
                Render(classes[a].Image(random.Next(8)), left.AsSpan(i * size, size));
                Render(classes[b].Image(random.Next(8)), right.AsSpan(i * size, size));
                labels[i] = a == b ? 1 : 0;
            }

            trainer.TrainStep(left, right, labels);
        }

        using var run = RunDirectory.Open(folder);
        trainer.SaveWeights(run.File(RunFiles.Weights));
        ModelFile.WriteOptions(run.Path, options);
        if (checkpoint)
        {
            Checkpoint.Save(run.CheckpointPath, new TrainingProgress { CompletedEpochs = 1, BatchesConsumed = 20 }, options, configuration: null, trainer);
        }
    }

    /// <summary>A PNG of a dark "1"-like stroke on light paper (or light on dark), drawn at an offset in a larger colour picture.</summary>
    public static void WriteDigitPicture(string path, bool darkOnLight, int width = 90, int height = 70)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(darkOnLight ? new SKColor(240, 235, 225) : SKColors.Black);
            using var paint = new SKPaint { Color = darkOnLight ? new SKColor(20, 20, 60) : SKColors.White, StrokeWidth = 6, IsAntialias = true, Style = SKPaintStyle.Stroke };
            canvas.DrawLine(60, 10, 55, 60, paint);
            canvas.DrawLine(60, 10, 50, 20, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>The metadata (<c>metadata_props</c>) of an ONNX file.</summary>
    public static IReadOnlyDictionary<string, string> OnnxMetadata(string path) =>
        Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).MetadataProps.ToDictionary(p => p.Key, p => p.Value);

    public static (int Width, int Height) PngSize(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.True(bitmap is not null, $"{path} does not decode");
        return (bitmap.Width, bitmap.Height);
    }

    /// <summary>How many pixel columns of <paramref name="path"/> hold a pixel within 40 of <paramref name="colour"/> in every channel: a curve drawn across a plot spans hundreds, a legend's swatch a few dozen.</summary>
    public static int ColumnsWithColour(string path, SKColor colour)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.True(bitmap is not null, $"{path} does not decode");
        int columns = 0;
        for (int x = 0; x < bitmap.Width; x++)
        {
            for (int y = 0; y < bitmap.Height; y++)
            {
                var p = bitmap.GetPixel(x, y);
                if (Math.Abs(p.Red - colour.Red) <= 40 && Math.Abs(p.Green - colour.Green) <= 40 && Math.Abs(p.Blue - colour.Blue) <= 40)
                {
                    columns++;
                    break;
                }
            }
        }

        return columns;
    }

    /// <summary>The distinct colours of <paramref name="path"/>'s pixels.</summary>
    public static int DistinctColours(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.True(bitmap is not null, $"{path} does not decode");
        return bitmap.Pixels.Distinct().Count();
    }

    private static void Render(ReadOnlySpan<byte> image, Span<float> output)
    {
        for (int p = 0; p < image.Length; p++)
        {
            output[p] = image[p] / 255f;
        }
    }
}
