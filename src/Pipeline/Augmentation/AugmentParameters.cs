namespace Siamese.Pipeline;

/// <summary>
/// One image's random transform, with the meaning Keras's <c>ImageDataGenerator.get_random_transform</c> gives its
/// dictionary. <see cref="Tx"/> is the height shift, applied along rows, and <see cref="Ty"/> the width shift, along
/// columns, both in pixels; <see cref="Zx"/> scales rows and <see cref="Zy"/> columns. See <see cref="Augmenter"/>
/// for the signs.
/// </summary>
/// <param name="Theta">Rotation in degrees.</param>
/// <param name="Shear">Shear angle in degrees.</param>
public readonly record struct AugmentParameters(
    double Theta,
    double Tx,
    double Ty,
    double Shear,
    double Zx,
    double Zy,
    bool FlipHorizontal,
    bool FlipVertical)
{
    public static AugmentParameters Identity { get; } = new(0, 0, 0, 0, 1, 1, false, false);
}
