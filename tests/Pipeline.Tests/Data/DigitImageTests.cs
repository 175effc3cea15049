using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class DigitImageTests
{
    private const double FieldCentre = (DigitImage.Side - 1) / 2.0;

    private static float[] Canvas(int width, int height, float background) => Enumerable.Repeat(background, width * height).ToArray();

    private static void Fill(float[] canvas, int width, int top, int left, int rows, int columns, float value)
    {
        for (int r = top; r < top + rows; r++)
        {
            for (int c = left; c < left + columns; c++)
            {
                canvas[(r * width) + c] = value;
            }
        }
    }

    private static (int Top, int Left, int Bottom, int Right) Box(byte[] image) =>
        DigitImage.BoundingBox(image.Select(b => (float)b).ToArray(), DigitImage.Side, DigitImage.Side, 0)!.Value;

    [Fact]
    public void ToMnist_BarDrawnOffCentre_IsScaledTo20PixelsAndCentredByMass()
    {
        // A 60x15 bar near the bottom right of a 120x90 picture.
        var canvas = Canvas(120, 90, 0);
        Fill(canvas, 120, 25, 95, 60, 15, 255);

        var image = DigitImage.ToMnist(canvas, 120, 90);

        var (top, left, bottom, right) = Box(image);
        Assert.Equal(DigitImage.Box, bottom - top + 1);
        Assert.Equal(5, right - left + 1);
        var (row, column) = DigitImage.CentreOfMass(image, DigitImage.Side, DigitImage.Side);
        Assert.InRange(row, FieldCentre - 0.5, FieldCentre + 0.5);
        Assert.InRange(column, FieldCentre - 0.5, FieldCentre + 0.5);
    }

    [Fact]
    public void ToMnist_LShapeAtKnownOffset_PutsCentreOfMassAtFieldCentre()
    {
        // An "L": its mass sits low and left of its bounding box, so mass centring differs from box centring.
        var canvas = Canvas(64, 64, 0);
        Fill(canvas, 64, 4, 40, 20, 4, 255);
        Fill(canvas, 64, 20, 40, 4, 20, 255);

        var image = DigitImage.ToMnist(canvas, 64, 64);

        var (row, column) = DigitImage.CentreOfMass(image, DigitImage.Side, DigitImage.Side);
        Assert.InRange(row, FieldCentre - 0.5, FieldCentre + 0.5);
        Assert.InRange(column, FieldCentre - 0.5, FieldCentre + 0.5);
        var (top, left, bottom, right) = Box(image);
        Assert.Equal(DigitImage.Box, bottom - top + 1);
        Assert.Equal(DigitImage.Box, right - left + 1);
        Assert.True(top < 4 && left > 4, $"box rows {top}-{bottom}, columns {left}-{right}: expected up and right of the centred box at 4-23");
    }

    [Fact]
    public void ToMnist_GreyPaper_BecomesBlackAndInkWhite()
    {
        var canvas = Canvas(40, 40, 70);
        Fill(canvas, 40, 10, 10, 20, 20, 200);

        var image = DigitImage.ToMnist(canvas, 40, 40);

        Assert.Equal(0, image[0]);
        Assert.Equal(255, image.Max());
        Assert.Equal(255, image[(14 * DigitImage.Side) + 14]);
    }

    [Fact]
    public void ToMnist_InvertedDarkDigit_MatchesLightDigit()
    {
        var light = Canvas(50, 50, 0);
        Fill(light, 50, 5, 20, 30, 6, 255);
        var dark = Canvas(50, 50, 255);
        Fill(dark, 50, 5, 20, 30, 6, 0);

        DigitImage.Invert(dark);

        Assert.Equal(DigitImage.ToMnist(light, 50, 50), DigitImage.ToMnist(dark, 50, 50));
    }

    [Fact]
    public void ToMnist_BlankPicture_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => DigitImage.ToMnist(Canvas(30, 30, 128), 30, 30));

        Assert.Contains("no digit", e.Message);
    }

    [Fact]
    public void ToMnist_WrongPixelCount_Throws() =>
        Assert.Throws<ArgumentException>(() => DigitImage.ToMnist(new float[10], 3, 3));
}
