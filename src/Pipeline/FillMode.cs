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

    /// <summary><c>abcd|abcd|abcd</c>: periodic with the image size.</summary>
    Wrap,
}
