using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Metrics;

/// <summary>The two per-sample SSIM variants the probes record (definitions in ../shared/golden/README.md).</summary>
public enum SsimVariant
{
    /// <summary>
    /// The seed notebook's SSIM (pytorch_msssim API): separable 1-D Gaussian, σ = 1.5, taps −5..5 normalised,
    /// valid filtering (28 → 18), population moments, mean of the map.
    /// </summary>
    Gaussian11,

    /// <summary>
    /// <c>skimage.metrics.structural_similarity(win_size=7, gaussian_weights=False)</c>: uniform 7×7 window,
    /// sample covariance (× 49/48), mean over the interior with a 3-pixel border cropped (28 → 22).
    /// </summary>
    Box7,
}

/// <summary>
/// Per-sample SSIM of batches of images [B,C,H,W] in torch (computed in float64 on the tensors' device);
/// multi-channel images average the per-channel SSIM, as both references do.
/// </summary>
public static class TorchSsim
{
    /// <summary>SSIM constant K1.</summary>
    public const double K1 = 0.01;

    /// <summary>SSIM constant K2.</summary>
    public const double K2 = 0.03;

    /// <summary>SSIM of each pair (x[b], y[b]) → float64 [B].</summary>
    /// <param name="x">Images [B,C,H,W].</param>
    /// <param name="y">Images of the same shape.</param>
    /// <param name="variant">Which definition.</param>
    /// <param name="dataRange">Dynamic range R in C1 = (K1·R)², C2 = (K2·R)² (the seed used 1.0 on normalised images).</param>
    public static Tensor PerSample(Tensor x, Tensor y, SsimVariant variant, double dataRange = 1.0)
    {
        if (x.ndim != 4 || !x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"SSIM needs two [B,C,H,W] tensors of one shape; got ({string.Join(",", x.shape)}) and ({string.Join(",", y.shape)}).");
        var window = variant == SsimVariant.Gaussian11 ? 11 : 7;
        if (x.shape[2] < window || x.shape[3] < window)
            throw new ArgumentException($"SSIM {variant} needs images of at least {window}×{window}; got {x.shape[2]}×{x.shape[3]}.");
        using var scope = NewDisposeScope();
        var taps = Taps(variant, x.device);
        var xd = x.to_type(ScalarType.Float64);
        var yd = y.to_type(ScalarType.Float64);
        // Valid separable filtering of the five moment maps as two band-matrix products (fast BLAS paths in float64):
        // rows: [.., H, W] @ Bw[W, W−k+1]; columns: Bhᵀ[H−k+1, H] @ [.., H, W−k+1].
        var stacked = cat([xd, yd, xd * xd, yd * yd, xd * yd], 1); // [B, 5C, H, W]
        var alongWidth = Band(taps, x.shape[3]);
        var alongHeight = Band(taps, x.shape[2]).t();
        var filtered = alongHeight.matmul(stacked.matmul(alongWidth));
        var parts = filtered.chunk(5, 1);
        var (mx, my, mxx, myy, mxy) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        var covNorm = variant == SsimVariant.Box7 ? window * window / (window * window - 1.0) : 1.0;
        var vx = (mxx - mx * mx) * covNorm;
        var vy = (myy - my * my) * covNorm;
        var vxy = (mxy - mx * my) * covNorm;
        var c1 = Math.Pow(K1 * dataRange, 2);
        var c2 = Math.Pow(K2 * dataRange, 2);
        var map = (2 * mx * my + c1) * (2 * vxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        return map.mean([1, 2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>[n, n−k+1] matrix whose column j holds the taps at rows j..j+k−1 (valid correlation as a product).</summary>
    private static Tensor Band(Tensor taps, long n)
    {
        var k = taps.shape[0];
        var band = zeros(n, n - k + 1, dtype: ScalarType.Float64, device: taps.device);
        for (long j = 0; j < n - k + 1; j++) band[TensorIndex.Slice(j, j + k), j] = taps;
        return band;
    }

    /// <summary>The normalised 1-D window of a variant (float64).</summary>
    internal static Tensor Taps(SsimVariant variant, Device device)
    {
        if (variant == SsimVariant.Box7) return full(7, 1.0 / 7.0, dtype: ScalarType.Float64, device: device);
        var values = new double[11];
        for (var i = 0; i < 11; i++) values[i] = Math.Exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
        var sum = values.Sum();
        for (var i = 0; i < 11; i++) values[i] /= sum;
        return tensor(values, dtype: ScalarType.Float64, device: device);
    }
}
