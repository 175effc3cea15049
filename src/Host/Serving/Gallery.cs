using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Cli;
using Siamese.Host.Commands;
using Siamese.Host.Data;
using Siamese.Host.Evaluation;
using Siamese.Host.Imaging;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Serving;

/// <summary>
/// The images searches run against: their pixels, each one's class and name, the model's embeddings of them (computed
/// once, at start) and their map (the <c>embed</c> picture's projection: two principal components).
/// </summary>
internal sealed partial class Gallery
{
    private static readonly string[] PictureExtensions = [".png", ".jpg", ".jpeg"];

    private readonly byte[] _pixels;
    private readonly int[] _classOf;
    private readonly Func<int, string> _id;

    private Gallery(string name, byte[] pixels, int[] classOf, IReadOnlyList<string> classNames, Func<int, string> id, int imageSize)
    {
        Name = name;
        _pixels = pixels;
        _classOf = classOf;
        ClassNames = classNames;
        _id = id;
        ImageSize = imageSize;
    }

    /// <summary>What the gallery is: "the MNIST test split" or a folder.</summary>
    public string Name { get; }

    public int Count => _classOf.Length;

    public int ImageSize { get; }

    /// <summary>The classes of the gallery's images, in the order <see cref="ClassIndex"/> counts them.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Row-major [<see cref="Count"/>, D], the model's embeddings of the images.</summary>
    public float[] Embeddings { get; private set; } = [];

    /// <summary>The images' place on the map, and how to place another embedding there.</summary>
    public PcaProjection Map { get; private set; } = new([], [], [0, 0]);

    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * ImageSize, ImageSize);

    public int ClassIndex(int index) => _classOf[index];

    public string ClassOf(int index) => ClassNames[_classOf[index]];

    /// <summary>The image's name: <c>test:123</c>, or its file's path inside the gallery folder.</summary>
    public string Id(int index) => _id(index);

    /// <summary>
    /// An MNIST split (<c>test</c>, <c>train</c> or <c>validation</c>, in file order so that image i is
    /// <c>&lt;split&gt;:i</c>), or a folder of PNG/JPEG pictures whose class is the folder they are in (relative to
    /// <paramref name="gallery"/>: <c>Greek/character03</c>), each made MNIST-like as <c>compare</c> makes a picture (dark
    /// on light paper when <paramref name="invert"/>, else decided per picture from its border).
    /// </summary>
    /// <exception cref="UserInputException">The folder holds no picture, or too many.</exception>
    /// <param name="pictures">How the model's pictures are prepared; a model trained on an image set takes a folder gallery only.</param>
    public static async Task<Gallery> LoadAsync(string gallery, bool invert, ModelPicture pictures, IServiceProvider services, int maxImages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(pictures);
        if (DigitSource.Splits.Contains(gallery))
        {
            if (!pictures.IsMnist)
            {
                throw new UserInputException($"--gallery {gallery} is an MNIST split, and this model was trained on an image set: give a folder of its kind of pictures, <class>/<picture> (for Omniglot, characters it has not seen).");
            }

            var data = await services.GetRequiredService<DataService>().LoadDatasetAsync(cancellationToken).ConfigureAwait(false);
            var images = DigitLibrary.Create(data, services.GetRequiredService<IOptions<DataOptions>>().Value).Images(gallery);
            var pixels = new byte[images.Count * data.Test.ImageSize];
            for (int i = 0; i < images.Count; i++)
            {
                images.Image(i).CopyTo(pixels.AsSpan(i * data.Test.ImageSize));
            }

            return new Gallery($"the MNIST {gallery} split", pixels, [.. images.Labels], ModelClasses.Digits.Names, i => string.Create(CultureInfo.InvariantCulture, $"{gallery}:{i}"), data.Test.ImageSize);
        }

        var folder = ArgumentPaths.Input(gallery);
        if (!Directory.Exists(folder))
        {
            throw new UserInputException($"--gallery '{gallery}' is neither a split ({string.Join(", ", DigitSource.Splits)}) nor a folder of pictures.");
        }

        return FromFolder(folder, invert, pictures, maxImages, services.GetRequiredService<ILogger<Gallery>>(), cancellationToken);
    }

    private static Gallery FromFolder(string folder, bool invert, ModelPicture pictures, int maxImages, ILogger logger, CancellationToken cancellationToken)
    {
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden | FileAttributes.System };
        var files = Directory.EnumerateFiles(folder, "*", enumeration)
            .Where(f => PictureExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Take(maxImages + 1)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length > maxImages)
        {
            throw new UserInputException($"--gallery {folder} holds more than {maxImages} pictures (Serve:MaxGalleryImages).");
        }

        var pixels = new List<byte>(files.Length * pictures.InputSize);
        var names = new List<string>();
        var classNames = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var classOf = new List<int>();
        int skipped = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] picture;
            try
            {
                picture = pictures.Prepare(DigitImageFile.ReadBounded(file), file, invert ? true : null, PictureFile.MaxSide);
            }
            catch (Exception e) when (e is UserInputException or DataFormatException)
            {
                if (skipped++ < 5)
                {
                    LogSkipped(logger, e.Message);
                }

                continue;
            }

            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            var className = Path.GetDirectoryName(relative)?.Replace(Path.DirectorySeparatorChar, '/') is { Length: > 0 } directory ? directory : "?";
            if (!classIndex.TryGetValue(className, out int c))
            {
                c = classIndex[className] = classNames.Count;
                classNames.Add(className);
            }

            pixels.AddRange(picture);
            names.Add(relative);
            classOf.Add(c);
        }

        if (skipped > 0)
        {
            LogSkippedCount(logger, skipped, folder);
        }

        if (names.Count == 0)
        {
            throw new UserInputException($"--gallery {folder} holds no usable PNG or JPEG picture.");
        }

        return new Gallery(folder, [.. pixels], [.. classOf], classNames, i => names[i], pictures.InputSize);
    }

    /// <summary>Embeds every image with <paramref name="model"/> and places them on the map.</summary>
    public void Embed(SiameseModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var images = new IndexedImages(Count, i => Image(i), new int[Count]);
        Embeddings = Evaluation.Embeddings.Compute(model, images, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        Map = Pca.Project(Embeddings, model.EmbeddingSize);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gallery: {Problem} (left out)")]
    private static partial void LogSkipped(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gallery: {Count} pictures in {Folder} could not be used and are left out")]
    private static partial void LogSkippedCount(ILogger logger, int count, string folder);
}
