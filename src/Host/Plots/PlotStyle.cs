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

    /// <summary>Writes <paramref name="render"/>'s PNG through a temporary file and a rename, creating the folder.</summary>
    public static void SaveAtomically(string pngPath, Action<string> render)
    {
        var full = Path.GetFullPath(pngPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.tmp-{Guid.NewGuid():N}.png");
        try
        {
            render(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
