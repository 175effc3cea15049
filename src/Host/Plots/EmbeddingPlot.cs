using System.Globalization;
using ScottPlot;
using Siamese.Host.Evaluation;
using Siamese.Model;

namespace Siamese.Host.Plots;

/// <summary>Embeddings projected to two dimensions (PCA), one colour per digit with a legend; unlabelled images ("?") as black diamonds.</summary>
internal static class EmbeddingPlot
{
    public const int Width = 820;
    public const int Height = 700;

    /// <summary>The label of an image without one (a user's picture).</summary>
    public const byte Unlabelled = 255;

    public static void Save(PcaProjection projection, byte[] labels, string title, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(labels);
        using var plot = PlotStyle.Apply(new Plot());
        plot.Title(title);
        plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"first principal component ({100 * projection.Explained[0]:F1}% of the variance)"));
        plot.YLabel(string.Create(CultureInfo.InvariantCulture, $"second principal component ({100 * projection.Explained[1]:F1}%)"));
        var palette = new ScottPlot.Palettes.Category10();
        foreach (byte label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            // Unlabelled pictures are black diamonds, apart from every digit's colour (Category10's grey is digit 7's).
            bool unlabelled = label == Unlabelled;
            var color = unlabelled ? Colors.Black : palette.GetColor(label).WithAlpha(0.6);
            var shape = unlabelled ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle;
            float size = MarkerSize(labels.Length) * (unlabelled ? 1.6f : 1);
            plot.Add.Markers(members.Select(i => projection.X[i]).ToArray(), members.Select(i => projection.Y[i]).ToArray(), shape, size, color);

            // The legend's own markers, full size and opaque: the plot's may be two pixels wide.
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = unlabelled ? "?" : label.ToString(CultureInfo.InvariantCulture),
                MarkerStyle = new MarkerStyle(shape, 12, color.WithAlpha(1.0)),
            });
        }

        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 16;
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, Width, Height));
    }

    /// <summary>Smaller markers for more points, so that thousands do not merge into blots.</summary>
    private static float MarkerSize(int points) => points switch
    {
        > 20_000 => 2,
        > 2_000 => 3,
        > 200 => 5,
        _ => 9,
    };
}
