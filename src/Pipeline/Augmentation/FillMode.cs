namespace Siamese.Pipeline;

/// <summary>How samples that fall outside the source image are filled (Keras/scipy names).</summary>
public enum FillMode
{
    /// <summary><c>kkkk|abcd|kkkk</c>: the fill value.</summary>
    Constant,

    /// <summary><c>aaaa|abcd|dddd</c>.</summary>
    Nearest,

    /// <summary><c>dcba|abcd|dcba</c>: mirrored about the edge, edge pixel repeated.</summary>
    Reflect,

    /// <summary>
    /// <c>abcd|abcd|abcd</c>: periodic with the image size (scipy's <c>grid-wrap</c>). Under the Keras
    /// <see cref="AugmentSemantics"/> it is scipy's <c>wrap</c>, which Keras uses: period size − 1, the first and
    /// last pixels overlapping.
    /// </summary>
    Wrap,
}
