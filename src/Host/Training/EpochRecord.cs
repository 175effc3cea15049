using System.Globalization;
using System.Text;

namespace Siamese.Host.Training;

/// <summary>One epoch of training history, as Keras's <c>history</c> records it plus timing.</summary>
/// <param name="TestAcc">Test pair accuracy after the epoch when <c>Evaluation:EveryEpoch</c> is on, else NaN.</param>
/// <param name="SinceStart">Seconds from process start to the end of the epoch.</param>
internal sealed record EpochRecord(int Epoch, double Loss, double Acc, double ValLoss, double ValAcc, double LearningRate, double Seconds, double PairsPerSecond, double TestAcc = double.NaN, double SinceStart = double.NaN)
{
    public const string CsvHeader = "epoch,loss,acc,val_loss,val_acc,lr,seconds,pairs_per_second,test_acc,since_start";

    public string ToCsv() => string.Join(
        ',',
        Epoch.ToString(CultureInfo.InvariantCulture),
        Loss.ToString("R", CultureInfo.InvariantCulture),
        Acc.ToString("R", CultureInfo.InvariantCulture),
        ValLoss.ToString("R", CultureInfo.InvariantCulture),
        ValAcc.ToString("R", CultureInfo.InvariantCulture),
        LearningRate.ToString("R", CultureInfo.InvariantCulture),
        Seconds.ToString("F3", CultureInfo.InvariantCulture),
        PairsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
        TestAcc.ToString("R", CultureInfo.InvariantCulture),
        SinceStart.ToString("F3", CultureInfo.InvariantCulture));

    public static string ToCsv(IEnumerable<EpochRecord> history)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var record in history)
        {
            text.Append(record.ToCsv()).Append('\n');
        }

        return text.ToString();
    }

    public static IReadOnlyList<EpochRecord> ParseCsv(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(1)
            .Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(v => new EpochRecord((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v.Length > 8 ? v[8] : double.NaN, v.Length > 9 ? v[9] : double.NaN))
            .ToArray();
}
