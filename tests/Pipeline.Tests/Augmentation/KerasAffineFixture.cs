using System.Text.Json;

namespace Siamese.Pipeline.Tests;

/// <summary>
/// The golden outputs in <c>Fixtures/keras-affine</c> (see its README): Keras's <c>apply_affine_transform</c> on four
/// MNIST images for 29 parameter sets, from keras-preprocessing master and 1.1.2, divided by 255.
/// </summary>
internal sealed class KerasAffineFixture
{
    public const int Side = 28;
    public const int ImageSize = Side * Side;

    private KerasAffineFixture(byte[] inputs, IReadOnlyList<KerasCase> cases, float[] master, float[] version112)
    {
        Inputs = inputs;
        Cases = cases;
        Master = master;
        Version112 = version112;
    }

    public static KerasAffineFixture Instance { get; } = Load();

    /// <summary>[image][row][col] bytes.</summary>
    public byte[] Inputs { get; }

    public int ImageCount => Inputs.Length / ImageSize;

    public IReadOnlyList<KerasCase> Cases { get; }

    /// <summary>[case][image][row][col], keras-preprocessing master.</summary>
    public float[] Master { get; }

    /// <summary>[case][image][row][col], keras-preprocessing 1.1.2.</summary>
    public float[] Version112 { get; }

    public ReadOnlySpan<byte> Input(int image) => Inputs.AsSpan(image * ImageSize, ImageSize);

    /// <summary>Keras's output for <paramref name="semantics"/>, which must be one of the two Keras modes.</summary>
    public ReadOnlySpan<float> Expected(AugmentSemantics semantics, int @case, int image)
    {
        var all = semantics switch
        {
            AugmentSemantics.TfKeras => Master,
            AugmentSemantics.KerasPreprocessing112 => Version112,
            _ => throw new ArgumentOutOfRangeException(nameof(semantics), semantics, "no Keras release has these semantics"),
        };
        return all.AsSpan(((@case * ImageCount) + image) * ImageSize, ImageSize);
    }

    private static KerasAffineFixture Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "keras-affine");
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "cases.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new KerasCase(
            c.GetProperty("theta").GetDouble(),
            c.GetProperty("tx").GetDouble(),
            c.GetProperty("ty").GetDouble(),
            c.GetProperty("shear").GetDouble(),
            c.GetProperty("zx").GetDouble(),
            c.GetProperty("zy").GetDouble(),
            c.GetProperty("fill_mode").GetString()!,
            c.GetProperty("cval").GetDouble())).ToArray();
        var inputs = File.ReadAllBytes(Path.Combine(folder, "inputs.u8"));
        var master = ReadFloats(Path.Combine(folder, "expected-master.f32"));
        var version112 = ReadFloats(Path.Combine(folder, "expected-1.1.2.f32"));
        int expectedLength = cases.Length * inputs.Length;
        if (master.Length != expectedLength || version112.Length != expectedLength)
        {
            throw new InvalidDataException($"Expected {expectedLength} floats per file, got {master.Length} and {version112.Length}.");
        }

        return new KerasAffineFixture(inputs, cases, master, version112);
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var floats = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < floats.Length; i++)
        {
            floats[i] = BitConverter.ToSingle(bytes, i * sizeof(float));
        }

        return floats;
    }
}

/// <summary>One parameter set, in the meaning of Keras's <c>apply_affine_transform</c> arguments.</summary>
internal sealed record KerasCase(double Theta, double Tx, double Ty, double Shear, double Zx, double Zy, string FillMode, double Cval)
{
    public AugmentParameters Parameters => new(Theta, Tx, Ty, Shear, Zx, Zy, FlipHorizontal: false, FlipVertical: false);

    public AugmentationOptions Options(AugmentSemantics semantics)
    {
        var options = AugmentationOptions.NoTransform(1.0 / 255);
        options.FillMode = Enum.Parse<Siamese.Pipeline.FillMode>(FillMode, ignoreCase: true);
        options.FillValue = Cval;
        options.Semantics = semantics;
        return options;
    }

    public override string ToString() =>
        $"theta {Theta}, tx {Tx}, ty {Ty}, shear {Shear}, zx {Zx}, zy {Zy}, {FillMode}";
}
