namespace Siamese.Pipeline.Data;

/// <summary>
/// A fixed, seeded, balanced set of image pairs drawn from one split, without augmentation: the first
/// ceil(n/2) pairs are two distinct images of one digit (digit uniform, label 1), the rest are images of two
/// different digits (the two digits uniform among distinct pairs, label 0). Pairs are stored as indices into the
/// classes' raw images; whoever scores them scales the pixels (a model by its own recorded rescale).
/// </summary>
public sealed class PairSet
{
    private readonly IReadOnlyList<ImageClass> _classes;
    private readonly int[] _leftClass;
    private readonly int[] _leftIndex;
    private readonly int[] _rightClass;
    private readonly int[] _rightIndex;
    private readonly Lazy<(byte[] Images, int[] ClassStart)> _allImages;

    private PairSet(IReadOnlyList<ImageClass> classes, int count)
    {
        _classes = classes;
        _leftClass = new int[count];
        _leftIndex = new int[count];
        _rightClass = new int[count];
        _rightIndex = new int[count];
        Labels = new float[count];
        _allImages = new(GatherAllImages);
    }

    public int Count => Labels.Length;

    public int ImageSize => _classes[0].ImageSize;

    /// <summary>1 for a same-digit pair, 0 otherwise.</summary>
    public float[] Labels { get; }

    /// <summary>The classes the pairs are drawn from.</summary>
    public IReadOnlyList<ImageClass> Classes => _classes;

    /// <summary>
    /// Every image of <see cref="Classes"/> in one array, class after class, and where each class's first image is: made
    /// on first use (once, whichever thread asks first) and kept, so everything that scores this set shares one copy.
    /// </summary>
    public (byte[] Images, int[] ClassStart) AllImages => _allImages.Value;

    /// <summary>Which image of which class (positions in <see cref="Classes"/>) each side of a pair is.</summary>
    public (int Class, int Index) LeftRef(int pair) => (_leftClass[pair], _leftIndex[pair]);

    /// <inheritdoc cref="LeftRef"/>
    public (int Class, int Index) RightRef(int pair) => (_rightClass[pair], _rightIndex[pair]);

    public int LeftDigit(int pair) => _classes[_leftClass[pair]].Label;

    public int RightDigit(int pair) => _classes[_rightClass[pair]].Label;

    public ReadOnlySpan<byte> LeftImage(int pair) => _classes[_leftClass[pair]].Image(_leftIndex[pair]);

    public ReadOnlySpan<byte> RightImage(int pair) => _classes[_rightClass[pair]].Image(_rightIndex[pair]);

    public static PairSet CreateBalanced(IReadOnlyList<ImageClass> classes, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (classes.Count < 2 || classes.Any(c => c.Count < 2))
        {
            throw new ArgumentException("A balanced pair set needs at least two classes with at least two images each.", nameof(classes));
        }

        var set = new PairSet(classes, count);
        var random = new Random(seed);
        int positives = (count + 1) / 2;
        for (int i = 0; i < count; i++)
        {
            if (i < positives)
            {
                int c = random.Next(classes.Count);
                int a = random.Next(classes[c].Count);
                int b = random.Next(classes[c].Count - 1);
                set.Set(i, c, a, c, b >= a ? b + 1 : b, 1f);
            }
            else
            {
                int c1 = random.Next(classes.Count);
                int c2 = random.Next(classes.Count - 1);
                c2 = c2 >= c1 ? c2 + 1 : c2;
                set.Set(i, c1, random.Next(classes[c1].Count), c2, random.Next(classes[c2].Count), 0f);
            }
        }

        return set;
    }

    private (byte[] Images, int[] ClassStart) GatherAllImages()
    {
        var classStart = new int[_classes.Count];
        int total = 0;
        for (int c = 0; c < _classes.Count; c++)
        {
            classStart[c] = total;
            total += _classes[c].Count;
        }

        int size = ImageSize;
        var images = new byte[(long)total * size];
        for (int c = 0; c < _classes.Count; c++)
        {
            for (int i = 0; i < _classes[c].Count; i++)
            {
                _classes[c].Image(i).CopyTo(images.AsSpan((classStart[c] + i) * size, size));
            }
        }

        return (images, classStart);
    }

    private void Set(int pair, int leftClass, int leftIndex, int rightClass, int rightIndex, float label)
    {
        _leftClass[pair] = leftClass;
        _leftIndex[pair] = leftIndex;
        _rightClass[pair] = rightClass;
        _rightIndex[pair] = rightIndex;
        Labels[pair] = label;
    }
}
