namespace Siamese.Model;

/// <summary>A checkpoint, weights or model file that cannot be used; the message names the file and the problem.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"{path} {problem}", inner)
{
    public string Path { get; } = path;
}
