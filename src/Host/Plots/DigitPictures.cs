using ScottPlot;
using Siamese.Model;

namespace Siamese.Host.Plots;

/// <summary>Digit images as pictures: one digit with a title, two side by side, or a labelled grid.</summary>
internal static class DigitPictures
{
    public const int SingleWidth = 420;
    public const int SingleHeight = 460;
    public const int PairWidth = 720;
    public const int PairHeight = 420;
    public const int GridCell = 56;
    public const int RowCell = 120;

    /// <summary>One 28×28 image (0–255, white digit on black) titled like the tutorial's first figure.</summary>
    public static void SaveSingle(ReadOnlySpan<byte> image, int side, string title, string pngPath)
    {
        var mosaic = new double[side, side];
        Blit(mosaic, image, side, 0, 0, 1);
        using var plot = ImagePlot(mosaic, title, 255);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, SingleWidth, SingleHeight));
    }

    /// <summary>Two images side by side under one title ("8 v.s 8 , similarity : 0.986").</summary>
    public static void SavePair(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, int side, string title, string pngPath)
    {
        int gap = side / 4;
        var mosaic = new double[side, (2 * side) + gap];
        FillNaN(mosaic);
        Blit(mosaic, left, side, 0, 0, 1);
        Blit(mosaic, right, side, 0, side + gap, 1);
        using var plot = ImagePlot(mosaic, title, 255);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, PairWidth, PairHeight));
    }

    /// <summary>
    /// A grid: one row per digit (labelled on the left), one column per image (labelled at the bottom), each image
    /// <c>side × side</c> floats scaled so that <paramref name="white"/> is white.
    /// </summary>
    public static void SaveGrid(IReadOnlyList<IReadOnlyList<float[]>> rows, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, int side, double white, string title, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int columns = columnLabels.Count;
        int gap = Math.Max(1, side / 7);
        var mosaic = new double[(rows.Count * (side + gap)) - gap, (columns * (side + gap)) - gap];
        FillNaN(mosaic);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                var image = rows[r][c];
                for (int y = 0; y < side; y++)
                {
                    for (int x = 0; x < side; x++)
                    {
                        mosaic[(r * (side + gap)) + y, (c * (side + gap)) + x] = image[(y * side) + x];
                    }
                }
            }
        }

        using var plot = ImagePlot(mosaic, title, white);
        int height = mosaic.GetLength(0);
        var rowCentres = Enumerable.Range(0, rows.Count).Select(r => height - 1 - ((r * (side + gap)) + ((side - 1) / 2.0))).ToArray();
        var columnCentres = Enumerable.Range(0, columns).Select(c => (c * (side + gap)) + ((side - 1) / 2.0)).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rowCentres, rowLabels.ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(columnCentres, columnLabels.ToArray());
        plot.Axes.Left.IsVisible = true;
        plot.Axes.Bottom.IsVisible = true;
        plot.Axes.Left.FrameLineStyle.Width = 0;
        plot.Axes.Bottom.FrameLineStyle.Width = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        var (width, pictureHeight) = GridSize(rows.Count, columns);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, width, pictureHeight));
    }

    /// <summary>
    /// One row of images, each titled above it, under one title: the first is a search's query, set apart by a wider
    /// gap, and the rest its results (titled "label similarity").
    /// </summary>
    public static void SaveRow(IReadOnlyList<byte[]> images, IReadOnlyList<string> titles, int side, string title, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(titles);
        int gap = side / 4;
        int Left(int i) => (i * (side + gap)) + (i > 0 ? gap : 0);
        var mosaic = new double[side, Left(images.Count - 1) + side];
        FillNaN(mosaic);
        for (int i = 0; i < images.Count; i++)
        {
            Blit(mosaic, images[i], side, 0, Left(i), 1);
        }

        using var plot = ImagePlot(mosaic, title, 255);

        // Room above the images for their titles and a little below them, in pixel units of the images.
        double titleRoom = side * 0.45;
        plot.Axes.SetLimits(-0.5 - (side * 0.2), mosaic.GetLength(1) - 0.5 + (side * 0.2), -0.5 - (side * 0.1), side - 0.5 + titleRoom);
        for (int i = 0; i < images.Count; i++)
        {
            var text = plot.Add.Text(titles[i], Left(i) + ((side - 1) / 2.0), side - 0.5 + (titleRoom / 2));
            text.Alignment = Alignment.MiddleCenter;
            text.LabelFontSize = 15;
        }

        var (width, height) = RowSize(images.Count);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, width, height));
    }

    /// <summary>The picture size <see cref="SaveRow"/> writes for <paramref name="images"/> images.</summary>
    public static (int Width, int Height) RowSize(int images) => (Math.Max((images * RowCell) + 70, 520), RowCell + 120);

    /// <summary>The picture size <see cref="SaveGrid"/> writes for a grid of <paramref name="rows"/> × <paramref name="columns"/> images.</summary>
    public static (int Width, int Height) GridSize(int rows, int columns) => ((columns * GridCell) + 120, (rows * GridCell) + 110);

    private static Plot ImagePlot(double[,] mosaic, string title, double white)
    {
        var plot = PlotStyle.Apply(new Plot());
        var heatmap = plot.Add.Heatmap(mosaic);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, white);
        heatmap.NaNCellColor = Colors.White;
        plot.Title(title);
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        plot.Axes.SquareUnits();
        plot.Axes.SetLimits(-0.5, mosaic.GetLength(1) - 0.5, -0.5, mosaic.GetLength(0) - 0.5);
        return plot;
    }

    private static void Blit(double[,] mosaic, ReadOnlySpan<byte> image, int side, int top, int left, double scale)
    {
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                mosaic[top + y, left + x] = image[(y * side) + x] * scale;
            }
        }
    }

    private static void FillNaN(double[,] mosaic)
    {
        for (int r = 0; r < mosaic.GetLength(0); r++)
        {
            for (int c = 0; c < mosaic.GetLength(1); c++)
            {
                mosaic[r, c] = double.NaN;
            }
        }
    }
}
