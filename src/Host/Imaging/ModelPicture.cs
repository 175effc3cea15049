using System.Globalization;
using Siamese.Host.Cli;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Imaging;

/// <summary>
/// How a picture file becomes a trained model's input, for any model: the one way the verbs that read pictures for a
/// model (<c>identify</c>, <c>one-shot-runs</c>) prepare them. A model trained on an image set records how its pictures
/// were prepared (<see cref="ModelOptions.Pictures"/>; the side from <see cref="ModelOptions.InputSize"/>), and a
/// picture goes through the same <see cref="ImagePreparation"/>; a model trained on MNIST gets the picture made
/// MNIST-like (<see cref="DigitImageFile"/>), inverted when it is dark ink on light paper.
/// </summary>
internal sealed class ModelPicture
{
    private readonly ImagePreparation? _preparation;
    private readonly bool _invertDigits;

    /// <param name="invertDigits">For a model trained on MNIST: the pictures are dark ink on light paper. A model trained on an image set records this itself.</param>
    /// <exception cref="UserInputException">The model records no picture preparation and is not 28×28 (MNIST's), or <paramref name="invertDigits"/> is given for a model that records its own.</exception>
    public ModelPicture(ModelOptions model, bool invertDigits)
    {
        ArgumentNullException.ThrowIfNull(model);
        InputSize = model.InputSize;
        if (model.Pictures is { } pictures)
        {
            int side = model.ImageSide;
            if (side * side != model.InputSize)
            {
                throw new UserInputException($"The model takes {model.InputSize} pixels, not a square picture: it cannot score pictures.");
            }

            if (invertDigits)
            {
                throw new UserInputException($"--invert is for models trained on MNIST: this model records how its pictures are prepared (inverted: {(pictures.Invert ? "yes" : "no")}).");
            }

            _preparation = new ImagePreparation(side, pictures.Invert, pictures.CentreOfMass ? CentreKind.CentreOfMass : CentreKind.None);
        }
        else if (model.InputSize != DigitImage.Side * DigitImage.Side)
        {
            throw new UserInputException($"The model takes {model.InputSize} pixels and records no picture preparation: it was not trained on MNIST nor on an image set, and cannot score pictures.");
        }

        _invertDigits = invertDigits;
    }

    /// <summary>The model was trained on MNIST: a picture is made MNIST-like.</summary>
    public bool IsMnist => _preparation is null;

    /// <summary>Bytes of one prepared picture (the model's input size).</summary>
    public int InputSize { get; }

    /// <summary>The side of the prepared square picture.</summary>
    public int Side => _preparation?.Side ?? DigitImage.Side;

    /// <summary>How pictures are prepared, for the log.</summary>
    public string Describe() => _preparation is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"as the model's training pictures: grey, {(p.Invert ? "inverted, " : string.Empty)}{(p.Centre == CentreKind.CentreOfMass ? "centred by mass, " : string.Empty)}fitted into {p.Side}×{p.Side}")
        : $"made MNIST-like (28×28, white on black, centred by mass){(_invertDigits ? ", inverted" : string.Empty)}";

    /// <summary>A picture file's bytes as the model's input; <paramref name="name"/> names the file in errors.</summary>
    /// <exception cref="DataFormatException">The bytes are not a PNG or JPEG picture, or (for an MNIST model) it shows no digit.</exception>
    public byte[] Prepare(byte[] file, string name) => Prepare(file, name, _preparation?.Invert ?? _invertDigits, PictureFile.MaxSide);

    /// <summary>
    /// A picture of unknown ink (a drawing or an upload) as the model's input: dark ink on light paper is inverted
    /// when <paramref name="invert"/> says so, or, when it is null, when the picture's border is light. Every model
    /// takes ink high; what the training pictures looked like does not say what a user's picture looks like.
    /// </summary>
    /// <param name="maxSide">Pictures wider or taller are refused from their header.</param>
    /// <param name="invertHint">How the user asks for inversion, for the message about a dark digit on light paper.</param>
    /// <exception cref="DataFormatException">The bytes are not a PNG or JPEG picture, it is too large, or (for an MNIST model) it shows no digit.</exception>
    public byte[] Prepare(byte[] file, string name, bool? invert, int maxSide, string invertHint = "--invert")
    {
        if (_preparation is not { } preparation)
        {
            try
            {
                return DigitImageFile.FromBytes(file, name, invert, maxSide, invertHint).Pixels;
            }
            catch (UserInputException e)
            {
                // DigitImageFile words its refusals "Image <name> <problem>.": the same problem, as a data file's.
                var prefix = $"Image {name} ";
                var problem = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..].TrimEnd('.') : e.Message;
                throw new DataFormatException(name, problem, e);
            }
        }

        var picture = PictureFile.Decode(file, name, background: (invert ?? true) ? 255f : 0f, maxSide);
        bool inverting = invert ?? LightBorder(picture);
        if (inverting != (invert ?? true))
        {
            // Transparent parts are paper: black once the picture is read as light ink on dark.
            picture = PictureFile.Decode(file, name, background: inverting ? 255f : 0f, maxSide);
        }

        return (preparation with { Invert = inverting }).Prepare(picture.Grey, picture.Width, picture.Height);
    }

    /// <summary>Whether the picture's border is light: paper behind dark ink.</summary>
    private static bool LightBorder(GreyPicture picture)
    {
        double sum = 0;
        int count = 0;
        for (int c = 0; c < picture.Width; c++)
        {
            sum += picture.Grey[c] + picture.Grey[((picture.Height - 1) * picture.Width) + c];
            count += 2;
        }

        for (int r = 0; r < picture.Height; r++)
        {
            sum += picture.Grey[r * picture.Width] + picture.Grey[(r * picture.Width) + picture.Width - 1];
            count += 2;
        }

        return sum / count > 127;
    }

    /// <summary>A picture file as the model's input.</summary>
    /// <exception cref="UserInputException">The file is missing, unreadable, too large or not a usable picture.</exception>
    public byte[] Load(string path)
    {
        var bytes = DigitImageFile.ReadBounded(path);
        try
        {
            return Prepare(bytes, path);
        }
        catch (DataFormatException e)
        {
            throw new UserInputException($"Image {e.FilePath} {e.Problem}.", e);
        }
    }
}
