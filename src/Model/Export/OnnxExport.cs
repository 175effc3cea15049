using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using Onnx;

namespace Siamese.Model;

/// <summary>
/// Writes a trained network as ONNX (opset <see cref="Opset"/>, IR version <see cref="IrVersion"/>), for ONNX
/// Runtime and any other ONNX consumer, through <see cref="AtomicFile"/>:
/// <list type="bullet">
/// <item><see cref="ModelName"/>: inputs <c>left</c> and <c>right</c>, float32 [N, 1, S, S] (S² =
/// <see cref="ModelOptions.InputSize"/>; 28×28 for MNIST), pixels already multiplied by the <c>rescale</c>
/// metadata; output <c>similarity</c>, float32 [N] in [0, 1], the numbers <see cref="SiameseTrainer.Similarities"/>
/// gives. Pairs whose similarity is above the <c>threshold</c> metadata are "same digit".</item>
/// <item><see cref="EmbeddingName"/>: input <c>image</c>, float32 [N, 1, S, S] → output <c>embedding</c>, float32
/// [N, D], the tower's output.</item>
/// </list>
/// N is symbolic. Metadata (<c>metadata_props</c>): <c>threshold</c> (model graph only), <c>rescale</c>,
/// <c>distance</c> (<c>L1</c>, <c>L2</c> or <c>contrastive</c>), <c>similarity</c> (<c>Sigmoid</c> or
/// <c>Contrastive</c>), <c>margin</c> (contrastive only), <c>tower</c> (<c>Mlp</c> or <c>Conv</c>),
/// <c>input_size</c>, <c>embedding_size</c> and <c>model</c> (<see cref="ModelOptions.Describe"/>).
/// </summary>
public static class OnnxExport
{
    /// <summary>The similarity graph's file name beside the model's other files.</summary>
    public const string ModelName = "model.onnx";

    /// <summary>The embedding graph's file name beside the model's other files.</summary>
    public const string EmbeddingName = "embedding.onnx";

    /// <summary>The default (ai.onnx) operator set the graphs use.</summary>
    public const int Opset = 17;

    /// <summary>ONNX IR version 8 (ONNX 1.12, the first with opset 17), which every ONNX Runtime since 1.12 reads.</summary>
    public const long IrVersion = 8;

    public const string LeftInput = "left";
    public const string RightInput = "right";
    public const string SimilarityOutput = "similarity";
    public const string ImageInput = "image";
    public const string EmbeddingOutput = "embedding";

    /// <summary>The producer name written into each file.</summary>
    public const string Producer = "Siamese";

    /// <summary>Writes the similarity graph of <paramref name="model"/>'s network to <paramref name="path"/>.</summary>
    /// <param name="threshold">The similarity above which a pair is "same digit" (recorded as metadata), in [0, 1].</param>
    public static void WriteModel(SiameseModel model, string path, double threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckThreshold(threshold);
        Write(path, model.Read(network => SimilarityModel(network, model.Options, threshold)));
    }

    /// <summary>Writes the similarity graph of <paramref name="trainer"/>'s current weights to <paramref name="path"/>.</summary>
    /// <param name="threshold">The similarity above which a pair is "same digit" (recorded as metadata), in [0, 1].</param>
    public static void WriteModel(SiameseTrainer trainer, string path, double threshold)
    {
        ThrowIfUnusable(trainer);
        CheckThreshold(threshold);
        Write(path, SimilarityModel(trainer.Network, trainer.Options, threshold));
    }

    /// <summary>Writes the embedding graph of <paramref name="model"/>'s network to <paramref name="path"/>.</summary>
    public static void WriteEmbedding(SiameseModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(path, model.Read(network => EmbeddingModel(network, model.Options)));
    }

    /// <summary>Writes the embedding graph of <paramref name="trainer"/>'s current weights to <paramref name="path"/>.</summary>
    public static void WriteEmbedding(SiameseTrainer trainer, string path)
    {
        ThrowIfUnusable(trainer);
        Write(path, EmbeddingModel(trainer.Network, trainer.Options));
    }

    internal static ModelProto SimilarityModel(SiameseNetwork network, ModelOptions options, double threshold)
    {
        int side = options.ImageSide;
        var graph = new OnnxGraph(
            "siamese_similarity",
            $"Similarity in [0, 1] of each pair (left[i], right[i]) of {side}x{side} images with pixels multiplied by the rescale metadata; above the threshold metadata means the same digit.");
        string left = graph.Input(LeftInput, OnnxGraph.BatchDimension, 1, side, side);
        string right = graph.Input(RightInput, OnnxGraph.BatchDimension, 1, side, side);

        // The tower runs once over the left images stacked above the right ones, as the network does; the split
        // takes each side's own batch size, so sides of different sizes fail in Sub instead of being mixed up.
        string stacked = graph.Node("Concat", "stacked", [left, right], OnnxGraph.Int("axis", 0));
        string embeddings = NetworkNodes.Tower(graph, network, stacked);
        string leftCount = graph.Node("Shape", "left_count", [left], OnnxGraph.Int("start", 0), OnnxGraph.Int("end", 1));
        string rightCount = graph.Node("Shape", "right_count", [right], OnnxGraph.Int("start", 0), OnnxGraph.Int("end", 1));
        string counts = graph.Node("Concat", "counts", [leftCount, rightCount], OnnxGraph.Int("axis", 0));
        graph.Node("Split", "split", [embeddings, counts], ["left_embedding", "right_embedding"], OnnxGraph.Int("axis", 0));
        NetworkNodes.Similarity(graph, network, "left_embedding", "right_embedding", SimilarityOutput);
        graph.Output(SimilarityOutput, OnnxGraph.BatchDimension);

        var model = NewModel(graph, options);
        model.MetadataProps.Insert(0, Entry("threshold", Number(threshold)));
        return model;
    }

    internal static ModelProto EmbeddingModel(SiameseNetwork network, ModelOptions options)
    {
        int side = options.ImageSide;
        var graph = new OnnxGraph(
            "siamese_embedding",
            $"Embedding of each {side}x{side} image with pixels multiplied by the rescale metadata: the Siamese tower's output.");
        string image = graph.Input(ImageInput, OnnxGraph.BatchDimension, 1, side, side);
        string embedding = NetworkNodes.Tower(graph, network, image);
        graph.Node("Identity", EmbeddingOutput, [embedding]);
        graph.Output(EmbeddingOutput, OnnxGraph.BatchDimension, options.GetHiddenSizes()[^1]);
        return NewModel(graph, options);
    }

    private static ModelProto NewModel(OnnxGraph graph, ModelOptions options)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = graph.Proto.DocString,
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(Entry("rescale", Number(options.Rescale)));
        model.MetadataProps.Add(Entry("distance", options.IsContrastive ? "contrastive" : options.Distance.ToString()));
        model.MetadataProps.Add(Entry("similarity", options.Similarity.ToString()));
        if (options.IsContrastive)
        {
            model.MetadataProps.Add(Entry("margin", Number(options.Margin)));
        }

        model.MetadataProps.Add(Entry("tower", options.Tower.ToString()));
        model.MetadataProps.Add(Entry("input_size", Number(options.InputSize)));
        model.MetadataProps.Add(Entry("embedding_size", Number(options.GetHiddenSizes()[^1])));
        model.MetadataProps.Add(Entry("model", options.Describe()));
        return model;
    }

    private static void Write(string path, ModelProto model) => AtomicFile.Write(path, model.WriteTo);

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void CheckThreshold(double threshold)
    {
        if (!(threshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "A similarity threshold is in [0, 1].");
        }
    }

    private static void ThrowIfUnusable(SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ObjectDisposedException.ThrowIf(trainer.IsDisposed, trainer);
    }
}
