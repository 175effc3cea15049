namespace Siamese.Model;

/// <summary>
/// How a picture file becomes the input of a model trained on an image set, recorded with it so that every picture
/// scored later is prepared as its training images were: converted to grey, inverted when the set was dark ink on
/// light paper, centred by the ink's centre of mass when the set was, and fitted into the model's square image side
/// (area averaging). A model without it was trained on MNIST, and a picture is made MNIST-like.
/// </summary>
public sealed record PictureInput(bool Invert, bool CentreOfMass);
