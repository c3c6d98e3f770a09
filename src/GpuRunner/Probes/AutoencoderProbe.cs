using System.Diagnostics;
using System.Text.Json;
using HardSamples.GpuRunner.Metrics;
using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Probes;

/// <summary>
/// The seed autoencoder probe: L1 reconstruction, Adam, shuffled mini-batches over the whole split held in one
/// tensor. After each recorded epoch ONE no-grad eval-mode pass yields the bottleneck embeddings, the per-sample
/// L1 loss (mean over C,H,W) and, on the SSIM schedule, per-sample SSIM (Gaussian-11 and box-7) of reconstruction vs input.
/// Artifacts: embeddings [R,n,D], losses [R,n], record_epochs [R], ssim_gauss11/ssim_box7 [S,n], ssim_epochs [S],
/// train_loss [E] (the seed's bookkeeping: unweighted mean of batch losses), sample_index [n].
/// </summary>
public sealed class AutoencoderProbe : IProbe
{
    /// <summary>Extra setting: batch size of the recorded pass (default 1024; results do not depend on it beyond float rounding).</summary>
    public const string RecordBatchKey = "recordBatch";

    /// <summary>Extra setting: SSIM data range (default 1.0 as in the seed, on normalised images).</summary>
    public const string SsimDataRangeKey = "ssimDataRange";

    private sealed record State(int EpochsDone, List<float> TrainLoss, List<int> RecordEpochs, List<int> SsimEpochs);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactRef>> RunAsync(ProbeContext ctx)
    {
        var spec = ctx.Spec;
        var settings = spec.Settings;
        var ct = ctx.CancellationToken;
        var indices = await ctx.Data.ReadSplitAsync(ctx.Store, spec.Split, ct);
        ProbeGuards.RequireImageSize(ctx.Data, 28, 28, "The seed autoencoder");
        var n = indices.Length;
        var latent = settings.LatentDim;
        var recordBatch = Math.Max(1, ctx.ExtraInt(RecordBatchKey, 1024));
        var dataRange = ctx.ExtraDouble(SsimDataRangeKey, 1.0);

        torch.manual_seed(spec.Seed);
        using var model = new SeedAutoencoder(latent, ctx.Data.Samples.Dim(1));
        model.to(ctx.Device);
        model.Encoder.DropoutSeed = spec.Seed;
        if (ctx.Device.type == DeviceType.CPU) model.UseChannelsLast();
        using var optimizer = torch.optim.Adam(model.parameters(), settings.LearningRate);
        using var x = TensorData.Images(ctx.Data, indices, ctx.Device);

        var state = new State(0, [], [], []);
        var checkpoint = await ctx.Checkpoints.LoadAsync(ct);
        if (checkpoint is not null && checkpoint.Fingerprint == ctx.Fingerprint)
        {
            state = JsonSerializer.Deserialize<State>(checkpoint.StateJson) ?? throw new InvalidDataException("Empty autoencoder checkpoint state.");
            TorchState.LoadModule(model, checkpoint.Sections["model"]);
            TorchState.LoadOptimizer(optimizer, checkpoint.Sections["optimizer"]);
            TorchState.LoadGlobalRng(checkpoint.Sections["rng"]);
        }

        for (var epoch = state.EpochsDone; epoch < spec.Epochs; epoch++)
        {
            var started = Stopwatch.GetTimestamp();
            var loss = ctx.Time("train", () => TrainEpoch(ctx, model, optimizer, x, epoch));
            var trainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            state.TrainLoss.Add(loss);
            if (ProbeSchedule.IsDue(epoch, settings.RecordEvery, spec.Epochs))
            {
                var withSsim = ProbeSchedule.IsDue(epoch, settings.SsimEvery, spec.Epochs);
                var record = ctx.Time("record", () => RecordPass(model, x, latent, recordBatch, withSsim, dataRange, ct));
                await ctx.TimeAsync("write", async () =>
                {
                    var r = state.RecordEpochs.Count;
                    await ctx.Artifacts.WritePartAsync("embeddings", r, record.Embeddings, [n, latent], ct);
                    await ctx.Artifacts.WritePartAsync("losses", r, record.Losses, [n], ct);
                    if (withSsim)
                    {
                        var s = state.SsimEpochs.Count;
                        await ctx.Artifacts.WritePartAsync("ssim_gauss11", s, record.SsimGaussian!, [n], ct);
                        await ctx.Artifacts.WritePartAsync("ssim_box7", s, record.SsimBox!, [n], ct);
                    }
                });
                state.RecordEpochs.Add(epoch);
                if (withSsim) state.SsimEpochs.Add(epoch);
            }
            state = state with { EpochsDone = epoch + 1 };
            if (ctx.CheckpointDue(state.EpochsDone, spec.Epochs))
            {
                await ctx.TimeAsync("checkpoint", () => ctx.Checkpoints.SaveAsync(new Checkpoint(ctx.Fingerprint, JsonSerializer.Serialize(state),
                    new Dictionary<string, byte[]>
                    {
                        ["model"] = TorchState.SaveModule(model),
                        ["optimizer"] = TorchState.SaveOptimizer(optimizer),
                        ["rng"] = TorchState.SaveGlobalRng(),
                    }), ct));
            }
            ctx.Report("train", state.EpochsDone, spec.Epochs, loss, n / Math.Max(trainSeconds, 1e-9));
            ct.ThrowIfCancellationRequested();
        }

        var artifacts = new List<ArtifactRef>();
        await ctx.TimeAsync("assemble", async () =>
        {
            var r = state.RecordEpochs.Count;
            var s = state.SsimEpochs.Count;
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("embeddings", r, [n, latent], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("losses", r, [n], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("record_epochs", state.RecordEpochs.ToArray(), [r], ct));
            if (settings.SsimEvery > 0)
            {
                artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("ssim_gauss11", s, [n], ct));
                artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("ssim_box7", s, [n], ct));
                artifacts.Add(await ctx.Artifacts.WriteArrayAsync("ssim_epochs", state.SsimEpochs.ToArray(), [s], ct));
            }
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("train_loss", state.TrainLoss.ToArray(), [state.TrainLoss.Count], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("sample_index", indices, [n], ct));
        });
        return artifacts;
    }

    private static float TrainEpoch(ProbeContext ctx, SeedAutoencoder model, OptimizerHelper optimizer, Tensor x, int epoch)
    {
        var n = (int)x.shape[0];
        var batchSize = ctx.Spec.Settings.BatchSize;
        model.train();
        var parameters = model.parameters().ToArray();
        using var order = torch.tensor(EpochPermutation.Create(ctx.Spec.Seed, epoch, n), device: ctx.Device);
        double sum = 0;
        var batches = 0;
        for (var start = 0; start < n; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            var length = Math.Min(batchSize, n - start);
            var batch = x.index_select(0, order.narrow(0, start, length));
            optimizer.zero_grad();
            var loss = nn.functional.l1_loss(model.forward(batch), batch);
            var value = ctx.CheckedLoss(loss, "train", epoch, batches);
            ctx.Backward(loss, parameters, "train", epoch, batches);
            optimizer.step();
            sum += value;
            batches++;
            ctx.CancellationToken.ThrowIfCancellationRequested();
        }
        return (float)(sum / batches);
    }

    private sealed record Recorded(float[] Embeddings, float[] Losses, float[]? SsimGaussian, float[]? SsimBox);

    private static Recorded RecordPass(SeedAutoencoder model, Tensor x, int latent, int batchSize, bool withSsim, double dataRange, CancellationToken ct)
    {
        var n = (int)x.shape[0];
        var embeddings = new float[(long)n * latent];
        var losses = new float[n];
        var gaussian = withSsim ? new float[n] : null;
        var box = withSsim ? new float[n] : null;
        model.eval();
        using (torch.no_grad())
        {
            for (var start = 0; start < n; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var length = Math.Min(batchSize, n - start);
                var batch = x.narrow(0, start, length);
                var z = model.Encoder.forward(batch);
                var reconstruction = model.Decoder.forward(z);
                TensorData.CopyInto(z, embeddings, (long)start * latent);
                TensorData.CopyInto((reconstruction - batch).abs().mean([1, 2, 3]), losses, start);
                if (withSsim)
                {
                    TensorData.CopyInto(TorchSsim.PerSample(reconstruction, batch, SsimVariant.Gaussian11, dataRange), gaussian!, start);
                    TensorData.CopyInto(TorchSsim.PerSample(reconstruction, batch, SsimVariant.Box7, dataRange), box!, start);
                }
                ct.ThrowIfCancellationRequested();
            }
        }
        model.train();
        return new Recorded(embeddings, losses, gaussian, box);
    }
}
