using ScottPlot;

namespace Siamese.Host.Plots;

/// <summary>What every picture shares: the font (DejaVu Sans, the font Debian's fonts-dejavu-core installs) and a white background.</summary>
internal static class PlotStyle
{
    public const string FontFamily = "DejaVu Sans";

    public static Plot Apply(Plot plot)
    {
        // Without this font installed, SkiaSharp falls back to whatever fontconfig offers.
        plot.Font.Set(FontFamily, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);

        return plot;
    }
}
