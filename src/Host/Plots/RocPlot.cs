using ScottPlot;
using Siamese.Model;

namespace Siamese.Host.Plots;

/// <summary>The ROC curve of the test pairs, with the chance diagonal and the area under it in the title.</summary>
internal static class RocPlot
{
    public const int Width = 560;
    public const int Height = 560;

    public static void Save(double[] falsePositiveRate, double[] truePositiveRate, double auc, string pngPath)
    {
        using var plot = PlotStyle.Apply(new Plot());
        plot.Title($"ROC on test pairs (AUC {auc:F4})");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.LineColor = Colors.Gray;
        var curve = plot.Add.ScatterLine(falsePositiveRate, truePositiveRate);
        curve.LineWidth = 2;
        plot.Axes.SetLimits(0, 1, 0, 1);
        AtomicFile.WriteByPath(pngPath, path => plot.SavePng(path, Width, Height));
    }
}
