using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Training;

/// <summary>
/// A backward pass that never hands non-finite gradients to the optimiser. oneDNN's multi-threaded float32
/// convolution backward was seen to return NaN now and then on AVX-512 machines (PLATFORM_NOTES; never with one
/// thread). After each backward pass every gradient is checked (one reduction per tensor, one host read); a
/// non-finite result is recomputed from the same graph (same dropout masks) on one thread. Training that really
/// diverged stays non-finite and stops with a clear error.
/// </summary>
public static class GuardedBackward
{
    /// <summary>Backward passes in all (the first plus the one-thread retries) before giving up.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Runs the backward pass; returns how many passes were recomputed (0 normally).</summary>
    /// <param name="loss">The scalar loss (its graph is retained until the caller's dispose scope ends).</param>
    /// <param name="parameters">The parameters whose gradients the optimiser will use.</param>
    /// <param name="where">Names the job, phase, epoch and batch in the error message.</param>
    /// <param name="poison">Test hook: called with the attempt number (1-based); true makes that pass's gradients NaN.</param>
    /// <exception cref="Training.NonFiniteValueException">The gradients stayed non-finite after <see cref="MaxAttempts"/> passes.</exception>
    public static int Run(Tensor loss, IReadOnlyList<Parameter> parameters, string where, Func<int, bool>? poison = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        loss.backward(retain_graph: true);
        for (var attempt = 1; ; attempt++)
        {
            if (poison?.Invoke(attempt) == true && parameters.Count > 0) parameters[0].grad?.fill_(float.NaN);
            if (GradientsFinite(parameters)) return attempt - 1;
            if (attempt >= MaxAttempts)
                throw new NonFiniteValueException(
                    $"{where}: the gradients stayed non-finite after {attempt} backward passes (the last ones on one thread). " +
                    "Training diverged; try a smaller learning rate, or set DNNL_MAX_CPU_ISA=SSE41. No artifacts were written for this job.");
            foreach (var p in parameters) p.grad?.zero_();
            var threads = torch.get_num_threads();
            torch.set_num_threads(1);
            try { loss.backward(retain_graph: true); }
            finally { torch.set_num_threads(threads); }
        }
    }

    /// <summary>True when every gradient present is finite.</summary>
    public static bool GradientsFinite(IReadOnlyList<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope();
        var maxima = new List<Tensor>(parameters.Count);
        foreach (var p in parameters)
            if (p.grad is { } g) maxima.Add(g.abs().amax());
        return maxima.Count == 0 || float.IsFinite(torch.stack(maxima).amax().item<float>());
    }
}
