namespace Siamese.Pipeline;

/// <summary>
/// The random draws of Keras's <c>ImageDataGenerator.get_random_transform</c>: theta, then tx from the height shift
/// range (times the height when the range is below 1), ty from the width shift range (times the width), shear, zx
/// and zy, the flips. A parameter whose range is 0 draws nothing, so a transform-free generator consumes no
/// randomness.
/// </summary>
internal sealed class RandomTransform
{
    private readonly double _rotationRange;
    private readonly double _heightShift;
    private readonly double _widthShift;
    private readonly double _shearRange;
    private readonly double _zoomRange;
    private readonly bool _horizontalFlip;
    private readonly bool _verticalFlip;

    public RandomTransform(AugmentationOptions options, int height, int width)
    {
        _rotationRange = options.RotationRange;
        _heightShift = options.HeightShiftRange < 1 ? options.HeightShiftRange * height : options.HeightShiftRange;
        _widthShift = options.WidthShiftRange < 1 ? options.WidthShiftRange * width : options.WidthShiftRange;
        _shearRange = options.ShearRange;
        _zoomRange = options.ZoomRange;
        _horizontalFlip = options.HorizontalFlip;
        _verticalFlip = options.VerticalFlip;
    }

    public AugmentParameters Draw(Random random)
    {
        double theta = _rotationRange > 0 ? Uniform(random, _rotationRange) : 0;
        double tx = _heightShift > 0 ? Uniform(random, _heightShift) : 0;
        double ty = _widthShift > 0 ? Uniform(random, _widthShift) : 0;
        double shear = _shearRange > 0 ? Uniform(random, _shearRange) : 0;
        double zx = 1, zy = 1;
        if (_zoomRange > 0)
        {
            zx = 1 + Uniform(random, _zoomRange);
            zy = 1 + Uniform(random, _zoomRange);
        }

        bool flipHorizontal = _horizontalFlip && random.NextDouble() < 0.5;
        bool flipVertical = _verticalFlip && random.NextDouble() < 0.5;
        return new AugmentParameters(theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical);
    }

    private static double Uniform(Random random, double range) => -range + 2 * range * random.NextDouble();
}
