namespace Siamese.Host.Training;

/// <summary>The loss became NaN or infinite: the run stops, keeping the last good epoch's checkpoint.</summary>
internal sealed class NonFiniteLossException(int epoch, int step, double loss)
    : Exception($"Loss became {loss} in epoch {epoch}, step {step}; the last completed epoch's checkpoint is kept. Lower Training:LearningRate or check the data.");
