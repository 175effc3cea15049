using ScottPlot;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Plots;

/// <summary>One trained variant's name and history.</summary>
internal sealed record NamedHistory(string Name, IReadOnlyList<EpochRecord> History);

/// <summary>
/// The tutorial's learning-rate comparison: one panel per run, side by side, each with acc and val_acc per epoch, on
/// a shared accuracy axis so the panels compare at a glance.
/// </summary>
internal static class RunComparisonPlot
{
    public const int PanelWidth = 550;
    public const int Height = 450;

    public static int WidthFor(int runs) => PanelWidth * runs;

    public static void Save(IReadOnlyList<NamedHistory> runs, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("Nothing to compare.", nameof(runs));
        }

        var figure = new Multiplot();
        figure.AddPlots(runs.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var values = runs.SelectMany(r => r.History.SelectMany(h => new[] { h.Acc, h.ValAcc })).Where(double.IsFinite).DefaultIfEmpty(0.5).ToArray();
        double low = Math.Max(0, Math.Floor(values.Min() * 20) / 20);
        double high = Math.Min(1, Math.Ceiling(values.Max() * 20) / 20);
        try
        {
            for (int i = 0; i < runs.Count; i++)
            {
                Panel(PlotStyle.Apply(figure.GetPlot(i)), runs[i], low, high == low ? low + 0.05 : high);
            }

            AtomicFile.WriteByPath(pngPath, path => figure.SavePng(path, WidthFor(runs.Count), Height));
        }
        finally
        {
            foreach (var plot in figure.GetPlots())
            {
                plot.Dispose();
            }
        }
    }

    private static void Panel(Plot plot, NamedHistory run, double low, double high)
    {
        var series = HistoryPlot.Series(run.History);
        plot.Title(run.Name);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel("accuracy");
        if (series.Epochs.Length > 0)
        {
            plot.Add.Scatter(series.Epochs, series.Acc).LegendText = "acc";
            if (series.ValAcc.Length > 0)
            {
                plot.Add.Scatter(series.Epochs, series.ValAcc).LegendText = "val_acc";
            }
        }

        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimitsY(low, high);
    }
}
