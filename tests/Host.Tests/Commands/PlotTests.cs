using SkiaSharp;

namespace Siamese.Host.Tests.Commands;

/// <summary>The pictures, checked by their pixels: a plot whose curves are missing or empty fails.</summary>
public sealed class PlotTests : IDisposable
{
    /// <summary>ScottPlot's first two series colours (Category10): the training and the validation curve. A curve spans
    /// most of its panel's plot area; a legend swatch only a few dozen columns.</summary>
    private static readonly SKColor First = new(0x1f, 0x77, 0xb4);
    private static readonly SKColor Second = new(0xff, 0x7f, 0x0e);

    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-plots-").FullName;

    private static IReadOnlyList<EpochRecord> FixtureHistory() =>
        EpochRecord.ParseCsv(File.ReadAllText(Path.Combine(HostProcess.RepositoryRoot, "tests", "Host.Tests", "Commands", "Fixtures", "history.csv")));

    [Fact]
    public void HistoryPlot_Series_MatchHistoryCsv()
    {
        var history = FixtureHistory();

        var series = HistoryPlot.Series(history);

        Assert.Equal(50, series.Epochs.Length);
        Assert.Equal(history.Select(h => (double)h.Epoch), series.Epochs);
        Assert.Equal(history.Select(h => h.Loss), series.Loss);
        Assert.Equal(history.Select(h => h.ValLoss), series.ValLoss);
        Assert.Equal(history.Select(h => h.Acc), series.Acc);
        Assert.Equal(history.Select(h => h.ValAcc), series.ValAcc);
        Assert.Empty(series.TestAcc);
    }

    [Fact]
    public void HistoryPlot_NoValidation_PlotsTrainingOnly()
    {
        var history = new[] { new EpochRecord(1, 0.7, 0.5, double.NaN, double.NaN, 1e-3, 1, 100) };

        var series = HistoryPlot.Series(history);

        Assert.Empty(series.ValLoss);
        Assert.Empty(series.ValAcc);
    }

    [Fact]
    public void HistoryPlot_Save_DrawsTrainingAndValidationCurvesAcrossBothPanels()
    {
        var png = Path.Combine(_folder, "sub", "history.png");

        HistoryPlot.Save(FixtureHistory(), png);

        Assert.Equal((HistoryPlot.Width, HistoryPlot.Height), TestFiles.PngSize(png));
        Assert.InRange(TestFiles.ColumnsWithColour(png, First), HistoryPlot.Width / 2, HistoryPlot.Width);
        Assert.InRange(TestFiles.ColumnsWithColour(png, Second), HistoryPlot.Width / 2, HistoryPlot.Width);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(png)!, ".*tmp*"));
    }

    [Fact]
    public void HistoryPlot_SaveWithoutValidation_DrawsNoValidationCurve()
    {
        var png = Path.Combine(_folder, "train-only.png");
        var history = FixtureHistory().Select(h => h with { ValLoss = double.NaN, ValAcc = double.NaN }).ToArray();

        HistoryPlot.Save(history, png);

        Assert.InRange(TestFiles.ColumnsWithColour(png, First), HistoryPlot.Width / 2, HistoryPlot.Width);
        Assert.Equal(0, TestFiles.ColumnsWithColour(png, Second));
    }

    [Fact]
    public void RunComparisonPlot_TwoRuns_OnePanelEach()
    {
        var png = Path.Combine(_folder, "comparison.png");
        var history = FixtureHistory();

        RunComparisonPlot.Save([new NamedHistory("lr-1e-3", history), new NamedHistory("lr-1e-5", history.Take(10).ToArray())], png);

        Assert.Equal((RunComparisonPlot.WidthFor(2), RunComparisonPlot.Height), TestFiles.PngSize(png));
        Assert.InRange(TestFiles.ColumnsWithColour(png, First), RunComparisonPlot.WidthFor(2) * 2 / 5, RunComparisonPlot.WidthFor(2));
    }

    [Fact]
    public void RocPlotAndHeatmap_Save_WritePngsOfTheirSize()
    {
        var roc = Path.Combine(_folder, "roc.png");
        var heatmap = Path.Combine(_folder, "pairs.png");
        var accuracy = Enumerable.Range(0, 10).Select(r => Enumerable.Range(0, 10).Select(c => r == c ? 0.95 : 0.5 + (0.05 * ((r + c) % 10))).ToArray()).ToArray();
        accuracy[2][3] = double.NaN;

        RocPlot.Save([1, 0.2, 0], [1, 0.9, 0], 0.95, roc);
        DigitPairHeatmap.Save(new DigitPairTable(Enumerable.Range(0, 10).ToArray(), accuracy, new int[10][]), 0.5, heatmap);

        Assert.Equal((RocPlot.Width, RocPlot.Height), TestFiles.PngSize(roc));
        Assert.InRange(TestFiles.ColumnsWithColour(roc, Second), RocPlot.Width / 2, RocPlot.Width);   // the curve (the chance line took the first colour, then grey)
        Assert.Equal((DigitPairHeatmap.Width, DigitPairHeatmap.Height), TestFiles.PngSize(heatmap));
        Assert.True(TestFiles.DistinctColours(heatmap) > 100, "the cells' colours and their labels");
    }

    [Fact]
    public void DigitPictures_SingleAndPair_WritePngsOfTheirSize()
    {
        var image = SyntheticDigits.Classes(1, 1)[4].Image(0).ToArray();
        var single = Path.Combine(_folder, "single.png");
        var pair = Path.Combine(_folder, "pair.png");

        DigitPictures.SaveSingle(image, 28, "4", single);
        DigitPictures.SavePair(image, image, 28, "4 v.s 4 , similarity : 0.986", pair);

        Assert.Equal((DigitPictures.SingleWidth, DigitPictures.SingleHeight), TestFiles.PngSize(single));
        Assert.Equal((DigitPictures.PairWidth, DigitPictures.PairHeight), TestFiles.PngSize(pair));
        Assert.True(TestFiles.ColumnsWithColour(single, SKColors.White) > 0 && TestFiles.ColumnsWithColour(single, SKColors.Black) > 28, "the digit, white on black");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
