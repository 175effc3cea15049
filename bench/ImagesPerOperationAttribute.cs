namespace Siamese.Bench;

/// <summary>How many augmented images one invocation of the benchmark method produces.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ImagesPerOperationAttribute(double images) : Attribute
{
    public double Images { get; } = images;
}
