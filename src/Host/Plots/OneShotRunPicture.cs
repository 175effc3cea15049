using System.Globalization;
using ScottPlot;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Plots;

/// <summary>
/// One trial of a one-shot run: the test item on the left, the run's training classes (one picture each) in a grid on
/// the right, the chosen class framed green when it is the answer, red when it is not (the answer then framed green).
/// </summary>
internal static class OneShotRunPicture
{
    public const int Cell = 100;

    /// <summary>Frame colours: the right class, and a wrong choice.</summary>
    public static readonly Color Right = Colors.Green;

    public static readonly Color Wrong = Colors.Red;

    /// <summary>Draws item <paramref name="item"/> of <paramref name="run"/>, which the model matched to class <paramref name="chosen"/>.</summary>
    public static void Save(OneShotRun run, int item, int chosen, float similarity, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(run);
        int side = (int)Math.Round(Math.Sqrt(run.ImageSize));
        int classes = run.Classes.Count;
        var (rows, columns) = Grid(classes);
        int gap = Math.Max(4, side / 2);

        // Rows further apart than columns: room under each picture for its name, clear of any frame.
        int rowGap = RowGap(gap);
        int gridLeft = side + (2 * gap);
        int width = gridLeft + (columns * (side + gap)) - gap;
        int height = Math.Max(side, (rows * (side + rowGap)) - rowGap);
        var mosaic = new double[height, width];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                mosaic[r, c] = double.NaN;
            }
        }

        int itemTop = (height - side) / 2;
        Blit(mosaic, run.ItemImage(item), side, itemTop, 0);
        for (int k = 0; k < classes; k++)
        {
            var (top, left) = CellOf(k, columns, side, gap, gridLeft);
            Blit(mosaic, run.ClassImage(k), side, top, left);
        }

        int answer = run.Answers[item];
        bool right = chosen == answer;
        var plot = PlotStyle.Apply(new Plot());
        try
        {
            var heatmap = plot.Add.Heatmap(mosaic);
            heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
            heatmap.ManualRange = new ScottPlot.Range(0, 255);
            heatmap.NaNCellColor = Colors.White;
            plot.HideAxesAndGrid();
            plot.Axes.Title.IsVisible = true;
            plot.Axes.SquareUnits();
            double labelRoom = rowGap;
            plot.Axes.SetLimits(-0.5 - gap, width - 0.5 + gap, -0.5 - labelRoom, height - 0.5 + gap);

            Frame(plot, CellOf(chosen, columns, side, gap, gridLeft), side, height, gap, right ? Right : Wrong);
            if (!right)
            {
                Frame(plot, CellOf(answer, columns, side, gap, gridLeft), side, height, gap, Right);
            }

            Label(plot, "test item", 0, itemTop, side, height, gap);
            for (int k = 0; k < classes; k++)
            {
                var (top, left) = CellOf(k, columns, side, gap, gridLeft);
                Label(plot, Path.GetFileNameWithoutExtension(run.Classes[k]), left, top, side, height, gap);
            }

            plot.Title(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name}: {Path.GetFileNameWithoutExtension(run.Items[item])} → {Path.GetFileNameWithoutExtension(run.Classes[chosen])} (similarity {similarity:F3}): {(right ? "right" : $"wrong, the answer is {Path.GetFileNameWithoutExtension(run.Classes[answer])}")}"));
            var (pictureWidth, pictureHeight) = Size(classes);
            AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, pictureWidth, pictureHeight));
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>The picture's size for a run of <paramref name="classes"/> classes.</summary>
    public static (int Width, int Height) Size(int classes)
    {
        var (rows, columns) = Grid(classes);
        return (((columns + 1) * Cell) + 140, (rows * (Cell + 15)) + 150);
    }

    /// <summary>Up to 5 classes in one row; up to 20 in rows of 5 (the official runs: 4 × 5); more in rows of 10.</summary>
    private static (int Rows, int Columns) Grid(int classes)
    {
        int columns = classes <= 5 ? classes : classes <= 20 ? 5 : 10;
        return ((classes + columns - 1) / columns, columns);
    }

    private static (int Top, int Left) CellOf(int k, int columns, int side, int gap, int gridLeft) =>
        ((k / columns) * (side + RowGap(gap)), gridLeft + ((k % columns) * (side + gap)));

    private static int RowGap(int gap) => gap * 3 / 2;

    /// <summary>A rectangle just outside a cell; mosaic rows count down from the top, plot y up from the bottom.</summary>
    private static void Frame(Plot plot, (int Top, int Left) cell, int side, int height, int gap, Color colour)
    {
        double pad = gap / 5.0;
        double left = cell.Left - 0.5 - pad;
        double right = cell.Left + side - 0.5 + pad;
        double top = height - 0.5 - cell.Top + pad;
        double bottom = height - 0.5 - cell.Top - side - pad;
        var rectangle = plot.Add.Rectangle(left, right, bottom, top);
        rectangle.FillStyle.Color = Colors.Transparent;
        rectangle.LineStyle.Color = colour;
        rectangle.LineStyle.Width = 4;
    }

    private static void Label(Plot plot, string text, int left, int top, int side, int height, int gap)
    {
        var label = plot.Add.Text(text, left + ((side - 1) / 2.0), height - 0.5 - top - side - (gap * 0.5));
        label.Alignment = Alignment.UpperCenter;
        label.LabelFontSize = 11;
    }

    private static void Blit(double[,] mosaic, ReadOnlySpan<byte> image, int side, int top, int left)
    {
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                mosaic[top + y, left + x] = image[(y * side) + x];
            }
        }
    }
}
