namespace Siamese.Pipeline.Data;

/// <summary>Where a prepared picture's ink is placed (<c>Data:Centre</c>).</summary>
public enum CentreKind
{
    /// <summary>Where the picture has it.</summary>
    None,

    /// <summary>Shifted by whole pixels, at the picture's own resolution before resizing, so that the ink's centre of mass is at the image's centre.</summary>
    CentreOfMass,
}
