using ScottPlot;
using Siamese.Model;
using Siamese.Host.Evaluation;

namespace Siamese.Host.Plots;

/// <summary>The 10×10 accuracy per digit pair as a heat map, each cell labelled with its accuracy in percent.</summary>
internal static class DigitPairHeatmap
{
    public const int Width = 700;
    public const int Height = 640;

    public static void Save(DigitPairTable table, double threshold, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(table);
        int n = table.Digits.Length;
        var cells = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                cells[r, c] = table.Accuracy[r][c];
            }
        }

        using var plot = PlotStyle.Apply(new Plot());
        plot.Title($"Accuracy per digit pair at threshold {threshold:0.###} (diagonal: same digit)");
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double low = Math.Min(0.5, MinFinite(cells));
        heatmap.ManualRange = new ScottPlot.Range(low, 1);
        heatmap.NaNCellColor = Colors.White;

        // Heatmap rows run from the top: row r is centred at y = n - 1 - r, column c at x = c.
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                if (double.IsNaN(cells[r, c]))
                {
                    continue;
                }

                var text = plot.Add.Text((100 * cells[r, c]).ToString("F0", System.Globalization.CultureInfo.InvariantCulture), c, n - 1 - r);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = 12;
                text.LabelFontColor = (cells[r, c] - low) / (1 - low) > 0.55 ? Colors.Black : Colors.White;
            }
        }

        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, table.Digits.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, table.Digits.Reverse().Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel("digit");
        plot.YLabel("digit");
        plot.Add.ColorBar(heatmap);
        plot.HideGrid();
        plot.Axes.Margins(0, 0);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, Width, Height));
    }

    private static double MinFinite(double[,] cells)
    {
        double min = 1;
        foreach (double v in cells)
        {
            if (!double.IsNaN(v))
            {
                min = Math.Min(min, v);
            }
        }

        return min;
    }
}
