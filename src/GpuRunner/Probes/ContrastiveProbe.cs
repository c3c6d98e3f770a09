using System.Diagnostics;
using System.Text.Json;
using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Probes;

/// <summary>
/// Barlow Twins contrastive probe. Each view is a random resized crop (scale 0.75–1, shift up to the freed margin
/// plus 0.1 of the half-width, bilinear, border padding) plus Gaussian noise (σ = 0.1 in normalised units).
/// On the record schedule, two fixed-seed views of every sample are embedded (eval mode) and, with features standardised
/// over the split, each sample gets <c>self_corr</c> = Pearson correlation between its two views' embeddings and
/// <c>cross_corr</c> = mean Pearson correlation between its first view and the other samples' second views.
/// Artifacts: self_corr/cross_corr [R,n], record_epochs [R], train_loss [E], sample_index [n].
/// </summary>
public sealed class ContrastiveProbe : IProbe
{
    /// <summary>Extra setting: off-diagonal weight λ (default 0.005).</summary>
    public const string LambdaKey = "lambda";

    /// <summary>Extra setting: projector width (default 256).</summary>
    public const string ProjectionDimKey = "projectionDim";

    private sealed record State(int EpochsDone, List<float> TrainLoss, List<int> RecordEpochs);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactRef>> RunAsync(ProbeContext ctx)
    {
        var spec = ctx.Spec;
        var settings = spec.Settings;
        var ct = ctx.CancellationToken;
        var indices = await ctx.Data.ReadSplitAsync(ctx.Store, spec.Split, ct);
        ProbeGuards.RequireImageSize(ctx.Data, 28, 28, "The contrastive probe");
        if (indices.Length < 3) throw new InvalidDataException("The contrastive probe needs at least 3 samples.");
        var n = indices.Length;
        var lambda = ctx.ExtraDouble(LambdaKey, 0.005);
        var projection = Math.Max(2, ctx.ExtraInt(ProjectionDimKey, 256));

        torch.manual_seed(spec.Seed);
        using var model = new BarlowTwinsNet(ctx.Data.Samples.Dim(1), 128, projection);
        model.to(ctx.Device);
        using var optimizer = torch.optim.Adam(model.parameters(), settings.LearningRate);
        using var x = TensorData.Images(ctx.Data, indices, ctx.Device);
        using var augmentation = new Generator((ulong)(uint)spec.Seed + 1, ctx.Device);

        var state = new State(0, [], []);
        var checkpoint = await ctx.Checkpoints.LoadAsync(ct);
        if (checkpoint is not null && checkpoint.Fingerprint == ctx.Fingerprint)
        {
            state = JsonSerializer.Deserialize<State>(checkpoint.StateJson) ?? throw new InvalidDataException("Empty contrastive checkpoint state.");
            TorchState.LoadModule(model, checkpoint.Sections["model"]);
            TorchState.LoadOptimizer(optimizer, checkpoint.Sections["optimizer"]);
            TorchState.LoadGlobalRng(checkpoint.Sections["rng"]);
            TorchState.LoadGenerator(augmentation, checkpoint.Sections["augmentation"]);
        }

        for (var epoch = state.EpochsDone; epoch < spec.Epochs; epoch++)
        {
            var started = Stopwatch.GetTimestamp();
            var loss = ctx.Time("train", () => TrainEpoch(ctx, model, optimizer, x, augmentation, epoch, lambda));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            state.TrainLoss.Add(loss);
            if (ProbeSchedule.IsDue(epoch, settings.RecordEvery, spec.Epochs))
            {
                var (self, cross) = ctx.Time("record", () => Correlations(ctx, model, x, epoch));
                await ctx.TimeAsync("write", async () =>
                {
                    await ctx.Artifacts.WritePartAsync("self_corr", state.RecordEpochs.Count, self, [n], ct);
                    await ctx.Artifacts.WritePartAsync("cross_corr", state.RecordEpochs.Count, cross, [n], ct);
                });
                state.RecordEpochs.Add(epoch);
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
                        ["augmentation"] = TorchState.SaveGenerator(augmentation),
                    }), ct));
            }
            ctx.Report("train", state.EpochsDone, spec.Epochs, loss, n / Math.Max(seconds, 1e-9));
            ct.ThrowIfCancellationRequested();
        }

        var artifacts = new List<ArtifactRef>();
        await ctx.TimeAsync("assemble", async () =>
        {
            var r = state.RecordEpochs.Count;
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("self_corr", r, [n], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("cross_corr", r, [n], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("record_epochs", state.RecordEpochs.ToArray(), [r], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("train_loss", state.TrainLoss.ToArray(), [state.TrainLoss.Count], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("sample_index", indices, [n], ct));
        });
        return artifacts;
    }

    /// <summary>One random view per image of <paramref name="x"/> [B,C,H,W], drawn from <paramref name="generator"/>.</summary>
    public static Tensor Augment(Tensor x, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var b = x.shape[0];
        var scale = torch.rand(b, generator: generator, device: x.device) * 0.25 + 0.75;
        var margin = (1 - scale) + 0.1;
        var tx = (torch.rand(b, generator: generator, device: x.device) * 2 - 1) * margin;
        var ty = (torch.rand(b, generator: generator, device: x.device) * 2 - 1) * margin;
        var zero = torch.zeros(b, device: x.device);
        var theta = torch.stack([torch.stack([scale, zero, tx], 1), torch.stack([zero, scale, ty], 1)], 1); // [B,2,3]
        var grid = nn.functional.affine_grid(theta, x.shape, align_corners: false);
        var view = nn.functional.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        var noise = torch.randn(x.shape, generator: generator, device: x.device) * 0.1;
        return (view + noise).MoveToOuterDisposeScope();
    }

    private static float TrainEpoch(ProbeContext ctx, BarlowTwinsNet model, OptimizerHelper optimizer, Tensor x, Generator augmentation, int epoch, double lambda)
    {
        var n = (int)x.shape[0];
        var batchSize = Math.Max(2, ctx.Spec.Settings.BatchSize);
        model.train();
        var parameters = model.parameters().ToArray();
        using var order = torch.tensor(EpochPermutation.Create(ctx.Spec.Seed, epoch, n, stream: 3), device: ctx.Device);
        double sum = 0;
        var batches = 0;
        for (var start = 0; start < n; start += batchSize)
        {
            var length = Math.Min(batchSize, n - start);
            if (length < 2) break; // BatchNorm and the batch correlation need two samples
            using var scope = torch.NewDisposeScope();
            var batch = x.index_select(0, order.narrow(0, start, length));
            optimizer.zero_grad();
            var z1 = model.forward(Augment(batch, augmentation));
            var z2 = model.forward(Augment(batch, augmentation));
            var loss = BarlowTwinsNet.Loss(z1, z2, lambda);
            sum += ctx.CheckedLoss(loss, "train", epoch, batches);
            ctx.Backward(loss, parameters, "train", epoch, batches);
            optimizer.step();
            batches++;
            ctx.CancellationToken.ThrowIfCancellationRequested();
        }
        return (float)(sum / Math.Max(batches, 1));
    }

    private static (float[] Self, float[] Cross) Correlations(ProbeContext ctx, BarlowTwinsNet model, Tensor x, int epoch)
    {
        var n = (int)x.shape[0];
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var views = new Generator((ulong)(uint)ctx.Spec.Seed * 7919UL + (ulong)epoch + 17, ctx.Device);
        var first = new List<Tensor>();
        var second = new List<Tensor>();
        using (torch.no_grad())
        {
            for (var start = 0; start < n; start += 1024)
            {
                var batch = x.narrow(0, start, Math.Min(1024, n - start));
                first.Add(model.forward(Augment(batch, views)));
                second.Add(model.forward(Augment(batch, views)));
                ctx.CancellationToken.ThrowIfCancellationRequested();
            }
            var a = UnitRows(BarlowTwinsNet.Standardize(torch.cat(first, 0)));
            var b = UnitRows(BarlowTwinsNet.Standardize(torch.cat(second, 0)));
            var self = (a * b).sum(1);
            var cross = (a.matmul(b.sum([0])) - self) / (n - 1);
            model.train();
            return (TensorData.ToFloats(self), TensorData.ToFloats(cross));
        }
    }

    /// <summary>Centres each row and scales it to unit length, so a dot product is a Pearson correlation.</summary>
    private static Tensor UnitRows(Tensor z)
    {
        var centred = z - z.mean([1], keepdim: true);
        return centred / (centred.norm(1, keepdim: true) + 1e-12);
    }
}
