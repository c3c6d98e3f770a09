namespace HardSamples.GpuRunner;

/// <summary>One progress report, sent after every epoch (and phase change) of a probe job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Phase">Phase name (<c>train</c>; SSFT: <c>learn</c> or <c>forget</c>).</param>
/// <param name="Epoch">Epochs completed in this phase (1-based count).</param>
/// <param name="TotalEpochs">Epoch budget of this phase.</param>
/// <param name="Loss">Mean training loss of the epoch.</param>
/// <param name="SamplesPerSecond">Training samples processed per second in the epoch.</param>
/// <param name="Elapsed">Wall time since the job started.</param>
public sealed record ProbeProgress(string JobId, string Phase, int Epoch, int TotalEpochs, double Loss, double SamplesPerSecond, TimeSpan Elapsed);
