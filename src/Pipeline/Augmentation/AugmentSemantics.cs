namespace Siamese.Pipeline;

/// <summary>
/// Which reading of Keras's <c>ImageDataGenerator</c> geometry the augmenter reproduces
/// (<c>Pipeline:Augmentation:Semantics</c>). The random draws are the same in every mode
/// (<c>get_random_transform</c>: tx from the height shift range, ty from the width shift range); the modes differ in
/// how <c>apply_affine_transform</c> places them and in the centre the transform turns about.
/// </summary>
public enum AugmentSemantics
{
    /// <summary>
    /// As the parameters are named: the height shift moves the image vertically and the width shift horizontally,
    /// zx scales rows; centre ((h − 1)/2, (w − 1)/2). No Keras release does exactly this (the default).
    /// </summary>
    AsNamed,

    /// <summary>
    /// keras-preprocessing master, which tf.keras 2.6+ and Keras's legacy <c>ImageDataGenerator</c> carry: the x/y swap
    /// (M' = PMP) makes the height shift move the image horizontally (keras-team/tf-keras#310), zx scale columns and
    /// the rotation and shear turn the other way; centre (size − 1)/2, where the column uses the height's and the row
    /// the width's on a non-square image, as Keras's swapped offset does.
    /// </summary>
    TfKeras,

    /// <summary>
    /// keras-preprocessing 1.1.2 (tf.keras up to 2.5): axes as named, centre (h/2 + 0.5, w/2 + 0.5), one pixel
    /// below and right of the grid's middle.
    /// </summary>
    KerasPreprocessing112,
}
