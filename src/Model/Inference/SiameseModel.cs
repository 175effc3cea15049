using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A Siamese network for scoring: the similarity of image pairs and the embeddings of images, from managed arrays,
/// with no tensors in sight. Every score the product reports goes through this type: the verbs load one from a file,
/// and a trainer scores its own weights through one (<see cref="SiameseTrainer.Model"/>).
/// </summary>
/// <remarks>
/// <para>Images are row-major <see cref="InputSize"/> pixels each (28×28 for MNIST), one after another in one span.
/// The <see cref="byte"/> overloads take raw 0–255 pixels and multiply them by the model's own recorded
/// <see cref="Rescale"/> (byte · (float)Rescale, the arithmetic the training pipeline uses); the <see cref="float"/>
/// overloads take pixels already rescaled. Similarities are in [0, 1].</para>
/// <para>Thread safety: every member is safe to call from several threads at once. Calls into libtorch are serialised
/// by a lock held by each model (each call runs on the calling thread, in its own dispose scope, under
/// <c>no_grad</c>, with the network in evaluation mode), so concurrent callers wait for one another; libtorch's
/// intra-op threads still parallelise inside a call, so batch pairs into one call for throughput, or load one model
/// per thread. <see cref="Dispose"/> may race with calls on other threads: a call it overtakes throws
/// <see cref="ObjectDisposedException"/>, and a call already running finishes first.</para>
/// <para>Loading leaves libtorch's process-wide thread count alone unless <c>torchThreads</c> is given.</para>
/// </remarks>
public sealed partial class SiameseModel : IDisposable
{
    /// <summary>Most images in one forward pass (<see cref="ChunkImages"/>).</summary>
    public const int MaxChunkImages = 1000;

    /// <summary>Activations one forward pass may hold: a larger image or tower gets a smaller <see cref="ChunkImages"/>.</summary>
    private const long ChunkActivationBytes = 64L << 20;

    private readonly SiameseNetwork network;
    private readonly bool borrowed;
    private readonly Lock gate = new();
    private readonly int inputSize;
    private readonly float rescale;
    private bool disposed;

    /// <param name="borrowed">The network is a trainer's: each call switches it to evaluation mode and back to
    /// training mode, and disposing the model leaves it alone.</param>
    private SiameseModel(ModelOptions options, SiameseNetwork network, string source, bool borrowed)
    {
        this.network = network;
        this.borrowed = borrowed;
        Options = options;
        Source = source;
        inputSize = options.InputSize;
        rescale = (float)options.Rescale;
        EmbeddingSize = options.EmbeddingSize;
        ChunkImages = ChunkImagesFor(options);
        if (!borrowed)
        {
            network.eval();
        }
    }

    /// <summary>The model's shape and input contract, as recorded with the weights.</summary>
    public ModelOptions Options { get; }

    /// <summary>Pixels per image (<see cref="ModelOptions.InputSize"/>): 784 for 28×28.</summary>
    public int InputSize => inputSize;

    /// <summary>Values per embedding: the width of the tower's last layer (D).</summary>
    public int EmbeddingSize { get; }

    /// <summary>The factor the <see cref="byte"/> overloads multiply raw pixels by: the model's recorded <see cref="ModelOptions.Rescale"/>.</summary>
    public float Rescale => rescale;

    /// <summary>
    /// Images per forward pass, the one chunk size of every scoring path: at most <see cref="MaxChunkImages"/>, fewer
    /// when the tower's activations for that many images would pass 64 MiB. A longer call is split, which bounds the
    /// memory it needs; callers that check for cancellation between calls use it as their chunk too.
    /// </summary>
    public int ChunkImages { get; }

    /// <summary><see cref="ChunkImages"/> of a model of this shape.</summary>
    public static int ChunkImagesFor(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (int)Math.Clamp(ChunkActivationBytes / (sizeof(float) * options.ActivationsPerImage()), 2, MaxChunkImages);
    }

    /// <summary>What was loaded: the file, whether weights or a checkpoint, and the model's shape.</summary>
    public string Source { get; }

    /// <summary>Loads a run folder (its <c>model.bin</c>, else its <c>checkpoint.bin</c>), a <c>model.bin</c> (with
    /// its <c>model.json</c> beside it) or a <c>checkpoint.bin</c>.</summary>
    /// <param name="torchThreads">If given, sets libtorch's intra-op thread count, which is process-wide.</param>
    /// <exception cref="FileNotFoundException">Nothing usable is at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointException">The model description or the weights are unusable.</exception>
    public static SiameseModel Load(string path, int? torchThreads = null)
    {
        if (torchThreads is { } threads)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads, nameof(torchThreads));
        }

        var file = ModelFile.Resolve(path);
        if (torchThreads is { } count)
        {
            set_num_threads(count);
        }

        return new SiameseModel(file.Options, file.LoadNetwork(), file.Describe(), borrowed: false);
    }

    /// <summary>
    /// A model of this shape whose weights are to come from <see cref="CopyWeightsFrom"/> (a snapshot scored on another
    /// thread while the trainer trains on). Building it leaves libtorch's random generator as it was, so a run that
    /// makes one draws the same numbers as a run that does not.
    /// </summary>
    public static SiameseModel Untrained(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        using var state = get_rng_state();
        try
        {
            return new SiameseModel(options, new SiameseNetwork(options), $"untrained model {options.Describe()}", borrowed: false);
        }
        finally
        {
            set_rng_state(state);
        }
    }

    /// <summary>Scores <paramref name="network"/>, a trainer's, in evaluation mode for each call (see <see cref="SiameseTrainer.Model"/>).</summary>
    internal static SiameseModel Borrow(SiameseNetwork network, ModelOptions options) =>
        new(options, network, $"trainer's model {options.Describe()}", borrowed: true);

    /// <summary>Makes this model's weights (and buffers) a copy of <paramref name="trainer"/>'s, a network of the same shape.</summary>
    public void CopyWeightsFrom(SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var source = trainer.Network.state_dict();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var target = network.state_dict();
            if (!source.Keys.SequenceEqual(target.Keys) || source.Any(s => !s.Value.shape.SequenceEqual(target[s.Key].shape)))
            {
                throw new ArgumentException($"The networks differ in shape: {Options.Describe()} and {trainer.Options.Describe()}.", nameof(trainer));
            }

            using var noGrad = no_grad();
            foreach (var (name, tensor) in target)
            {
                tensor.copy_(source[name]);
            }
        }
    }

    /// <summary>The similarity of two raw 0–255 images.</summary>
    public float Similarity(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => SimilarityOfOne(left, right);

    /// <summary>The similarity of two rescaled images.</summary>
    public float Similarity(ReadOnlySpan<float> left, ReadOnlySpan<float> right) => SimilarityOfOne(left, right);

    /// <summary>The similarity of each pair of raw 0–255 images (the i-th left image with the i-th right one).</summary>
    public float[] Similarities(ReadOnlySpan<byte> lefts, ReadOnlySpan<byte> rights)
    {
        var output = new float[CountImages(lefts.Length, nameof(lefts))];
        Similarities(lefts, rights, output);
        return output;
    }

    /// <summary>The similarity of each pair of rescaled images.</summary>
    public float[] Similarities(ReadOnlySpan<float> lefts, ReadOnlySpan<float> rights)
    {
        var output = new float[CountImages(lefts.Length, nameof(lefts))];
        Similarities(lefts, rights, output);
        return output;
    }

    /// <summary>Writes the similarity of each pair of raw 0–255 images into <paramref name="similarities"/> (one per pair).</summary>
    public void Similarities(ReadOnlySpan<byte> lefts, ReadOnlySpan<byte> rights, Span<float> similarities) =>
        SimilaritiesCore(lefts, rights, similarities);

    /// <summary>Writes the similarity of each pair of rescaled images into <paramref name="similarities"/> (one per pair).</summary>
    public void Similarities(ReadOnlySpan<float> lefts, ReadOnlySpan<float> rights, Span<float> similarities) =>
        SimilaritiesCore(lefts, rights, similarities);

    /// <summary>The embeddings of raw 0–255 images: [N, <see cref="EmbeddingSize"/>].</summary>
    public float[,] Embed(ReadOnlySpan<byte> images)
    {
        var output = new float[CountImages(images.Length, nameof(images)), EmbeddingSize];
        Embed(images, AsSpan(output));
        return output;
    }

    /// <summary>The embeddings of rescaled images: [N, <see cref="EmbeddingSize"/>].</summary>
    public float[,] Embed(ReadOnlySpan<float> images)
    {
        var output = new float[CountImages(images.Length, nameof(images)), EmbeddingSize];
        Embed(images, AsSpan(output));
        return output;
    }

    /// <summary>Writes the embeddings of raw 0–255 images into <paramref name="embeddings"/>, row-major [N, <see cref="EmbeddingSize"/>].</summary>
    public void Embed(ReadOnlySpan<byte> images, Span<float> embeddings) => EmbedCore(images, embeddings);

    /// <summary>Writes the embeddings of rescaled images into <paramref name="embeddings"/>, row-major [N, <see cref="EmbeddingSize"/>].</summary>
    public void Embed(ReadOnlySpan<float> images, Span<float> embeddings) => EmbedCore(images, embeddings);

    /// <summary>Frees the network's tensors; a model over a trainer's network (<see cref="SiameseTrainer.Model"/>) leaves them to the trainer.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                if (!borrowed)
                {
                    network.Dispose();
                }
            }
        }
    }

    /// <summary>Runs <paramref name="read"/> on the network under the model's lock (for exporting its weights).</summary>
    internal T Read<T>(Func<SiameseNetwork, T> read)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return read(network);
        }
    }

    /// <summary>Takes the model's lock, checks it is not disposed, and scores under <c>no_grad</c> in evaluation mode until disposed.</summary>
    private Call Enter()
    {
        var held = gate.EnterScope();
        if (disposed)
        {
            held.Dispose();
            throw new ObjectDisposedException(nameof(SiameseModel));
        }

        if (borrowed)
        {
            network.eval();
        }

        return new Call(held, no_grad(), borrowed ? network : null);
    }

    private static Span<float> AsSpan(float[,] array) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

    private float SimilarityOfOne<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right)
        where T : unmanaged
    {
        if (left.Length != inputSize)
        {
            throw new ArgumentException($"An image has {inputSize} pixels; got {left.Length}.", nameof(left));
        }

        float similarity = 0;
        SimilaritiesCore(left, right, new Span<float>(ref similarity));
        return similarity;
    }

    private void SimilaritiesCore<T>(ReadOnlySpan<T> lefts, ReadOnlySpan<T> rights, Span<float> output)
        where T : unmanaged
    {
        int count = CountImages(lefts.Length, nameof(lefts));
        if (rights.Length != lefts.Length)
        {
            throw new ArgumentException($"{count} left images need as many right ones ({lefts.Length} pixels); got {rights.Length} pixels.", nameof(rights));
        }

        if (output.Length != count)
        {
            throw new ArgumentException($"{count} pairs need room for {count} similarities; got {output.Length}.", nameof(output));
        }

        int chunk = ChunkImages / 2;
        using var call = Enter();
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            using var scope = NewDisposeScope();
            Tensor stacked = empty(2L * n, inputSize);
            Span<float> staging = MemoryMarshal.Cast<byte, float>(stacked.bytes);
            Stage(lefts.Slice(start * inputSize, n * inputSize), staging);
            Stage(rights.Slice(start * inputSize, n * inputSize), staging[(n * inputSize)..]);
            Tensor similarity = network.Similarity(network.ForwardStacked(stacked));
            MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(output.Slice(start, n));
        }
    }

    private void EmbedCore<T>(ReadOnlySpan<T> images, Span<float> output)
        where T : unmanaged
    {
        int count = CountImages(images.Length, nameof(images));
        int width = EmbeddingSize;
        if (output.Length != (long)count * width)
        {
            throw new ArgumentException($"{count} images need room for {count} × {width} values; got {output.Length}.", nameof(output));
        }

        using var call = Enter();
        for (int start = 0; start < count; start += ChunkImages)
        {
            int n = Math.Min(ChunkImages, count - start);
            using var scope = NewDisposeScope();
            Tensor batch = empty(n, inputSize);
            Stage(images.Slice(start * inputSize, n * inputSize), MemoryMarshal.Cast<byte, float>(batch.bytes));
            Tensor embedded = network.EmbedRows(batch).contiguous();
            MemoryMarshal.Cast<byte, float>(embedded.bytes).CopyTo(output.Slice(start * width, n * width));
        }
    }

    /// <summary>Copies rescaled pixels, or rescales raw ones, into a tensor's storage.</summary>
    private void Stage<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
            return;
        }

        ReadOnlySpan<byte> pixels = MemoryMarshal.Cast<T, byte>(source);
        for (int i = 0; i < pixels.Length; i++)
        {
            destination[i] = pixels[i] * rescale;
        }
    }

    private int CountImages(int length, string parameter)
    {
        if (length % inputSize != 0)
        {
            throw new ArgumentException($"Images have {inputSize} pixels each; {length} pixels is not a whole number of images.", parameter);
        }

        return length / inputSize;
    }

    /// <summary>One scoring call: the lock, <c>no_grad</c>, and a borrowed network's return to training mode.</summary>
    private ref struct Call
    {
        private readonly IDisposable noGrad;
        private readonly SiameseNetwork? training;
        private Lock.Scope held;

        public Call(Lock.Scope held, IDisposable noGrad, SiameseNetwork? training)
        {
            this.held = held;
            this.noGrad = noGrad;
            this.training = training;
        }

        public void Dispose()
        {
            noGrad.Dispose();
            training?.train();
            held.Dispose();
        }
    }
}
