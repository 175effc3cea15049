using ScottPlot;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Plots;

/// <summary>
/// The series <see cref="HistoryPlot"/> draws, per epoch; validation series are empty when no epoch has validation,
/// the test accuracy series when no epoch measured it (Evaluation:EveryEpoch off).
/// </summary>
internal sealed record HistorySeries(double[] Epochs, double[] Loss, double[] ValLoss, double[] Acc, double[] ValAcc, double[] TestAcc);

/// <summary>Keras's <c>plot(history)</c>: loss (left) and accuracy (right) per epoch, training against validation.</summary>
internal static class HistoryPlot
{
    public const int Width = 1100;
    public const int Height = 450;

    public static HistorySeries Series(IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        bool validated = history.Any(h => double.IsFinite(h.ValLoss));
        bool tested = history.Any(h => double.IsFinite(h.TestAcc));
        return new HistorySeries(
            history.Select(h => (double)h.Epoch).ToArray(),
            history.Select(h => h.Loss).ToArray(),
            validated ? history.Select(h => h.ValLoss).ToArray() : [],
            history.Select(h => h.Acc).ToArray(),
            validated ? history.Select(h => h.ValAcc).ToArray() : [],
            tested ? history.Select(h => h.TestAcc).ToArray() : []);
    }

    /// <summary>Writes the two panels side by side into one <see cref="Width"/> × <see cref="Height"/> PNG.</summary>
    public static void Save(IReadOnlyList<EpochRecord> history, string pngPath)
    {
        var series = Series(history);
        var figure = new Multiplot();
        figure.AddPlots(2);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        try
        {
            Panel(figure.GetPlot(0), "Loss", "loss", series.Epochs, series.Loss, series.ValLoss, [], Alignment.UpperRight);
            Panel(figure.GetPlot(1), "Accuracy", "acc", series.Epochs, series.Acc, series.ValAcc, series.TestAcc, Alignment.LowerRight);
            AtomicFile.WriteByPath(pngPath, path => figure.SavePng(path, Width, Height));
        }
        finally
        {
            foreach (var plot in figure.GetPlots())
            {
                plot.Dispose();
            }
        }
    }

    private static void Panel(Plot plot, string title, string name, double[] epochs, double[] train, double[] validation, double[] test, Alignment legend)
    {
        PlotStyle.Apply(plot);
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(name);
        if (epochs.Length > 0)
        {
            plot.Add.Scatter(epochs, train).LegendText = name;
            if (validation.Length > 0)
            {
                plot.Add.Scatter(epochs, validation).LegendText = "val_" + name;
            }

            if (test.Length > 0)
            {
                plot.Add.Scatter(epochs, test).LegendText = "test_" + name;
            }
        }

        plot.ShowLegend(legend);
    }
}
