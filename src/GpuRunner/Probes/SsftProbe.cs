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

/// <summary>Which network an SSFT job trains.</summary>
public enum SsftModelKind
{
    /// <summary>A classifier (<see cref="SeedCnn"/> or <see cref="LeNet5"/>); score = softmax probability of the observed label.</summary>
    Classifier,

    /// <summary>The seed autoencoder; score = per-sample SSIM (Gaussian-11) of reconstruction vs input.</summary>
    Autoencoder,
}

/// <summary>
/// Second-split forgetting (Maini et al. 2022). Phase 1 ("learn") trains a fresh network on the first split until every
/// sample is learnt when seen (score above/at the correctness rule for <c>learnPatience</c> consecutive epochs) or the
/// epoch budget ends, recording each sample's score and correctness in the order seen. Phase 2 ("forget") continues the
/// same network with a fresh Adam on the second split and evaluates the whole first split L times per epoch (before
/// the batches 0, k, 2k, … with k = ⌊batches / (L−1)⌋, as the seed's logs at steps 0, 58, 116, 174, 232 of 235).
/// Artifacts: sample_index [n], second_index [m], learn_order/learn_score/learn_correct [E1,n],
/// forget_prob/forget_correct [E2·L,n], learn_loss [E1], forget_loss [E2]. For the autoencoder variant the "prob"
/// arrays hold SSIM and "correct" means SSIM above the threshold (0.15 in the seed).
/// </summary>
public sealed class SsftProbe(SsftModelKind kind) : IProbe
{
    /// <summary>Extra setting: consecutive all-learnt epochs that end phase 1 (default 1).</summary>
    public const string LearnPatienceKey = "learnPatience";

    /// <summary>Extra setting: batch size of the evaluation passes (default 1024).</summary>
    public const string EvalBatchKey = "evalBatch";

    private sealed record State(int LearnEpochs, int LearnStreak, bool LearnDone, int ForgetEpochs, List<float> LearnLoss, List<float> ForgetLoss);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactRef>> RunAsync(ProbeContext ctx)
    {
        var spec = ctx.Spec;
        var settings = spec.Settings;
        var ct = ctx.CancellationToken;
        var first = await ctx.Data.ReadSplitAsync(ctx.Store, spec.Split, ct);
        var second = await ctx.Data.ReadSplitAsync(ctx.Store, spec.SecondSplit, ct);
        if (first.Intersect(second).Any())
            throw new InvalidDataException($"Splits '{spec.Split}' and '{spec.SecondSplit}' overlap; SSFT needs disjoint splits.");
        var channels = ctx.Data.Samples.Dim(1);
        if (kind == SsftModelKind.Autoencoder) ProbeGuards.RequireImageSize(ctx.Data, 28, 28, "The seed autoencoder");
        else ProbeGuards.RequireImageSize(ctx.Data, 28, 28, "The SSFT classifiers");
        if (kind == SsftModelKind.Classifier && ctx.Data.ClassCount < 2)
            throw new InvalidDataException($"SSFT needs labels with at least 2 classes; the dataset '{ctx.Data.Prefix}' has {ctx.Data.ClassCount}.");
        var patience = Math.Max(1, ctx.ExtraInt(LearnPatienceKey, 1));
        var evalBatch = Math.Max(1, ctx.ExtraInt(EvalBatchKey, 1024));
        var logs = settings.EvalsPerEpoch;
        var n = first.Length;

        torch.manual_seed(spec.Seed);
        using var model = kind == SsftModelKind.Autoencoder
            ? (nn.Module<Tensor, Tensor>)new SeedAutoencoder(settings.LatentDim, channels)
            : ClassifierFactory.Create(settings.Architecture, ctx.Data.ClassCount, channels);
        model.to(ctx.Device);
        if (model is SeedAutoencoder autoencoder)
        {
            autoencoder.Encoder.DropoutSeed = spec.Seed;
            if (ctx.Device.type == DeviceType.CPU) autoencoder.UseChannelsLast();
        }
        using var x1 = TensorData.Images(ctx.Data, first, ctx.Device);
        using var x2 = TensorData.Images(ctx.Data, second, ctx.Device);
        using var y1 = kind == SsftModelKind.Classifier ? TensorData.Labels(ctx.Data, first, ctx.Device) : torch.zeros(n, ScalarType.Int64, ctx.Device);
        using var y2 = kind == SsftModelKind.Classifier ? TensorData.Labels(ctx.Data, second, ctx.Device) : torch.zeros(second.Length, ScalarType.Int64, ctx.Device);

        var state = new State(0, 0, false, 0, [], []);
        var checkpoint = await ctx.Checkpoints.LoadAsync(ct);
        if (checkpoint is not null && checkpoint.Fingerprint == ctx.Fingerprint)
        {
            state = JsonSerializer.Deserialize<State>(checkpoint.StateJson) ?? throw new InvalidDataException("Empty SSFT checkpoint state.");
            TorchState.LoadModule(model, checkpoint.Sections["model"]);
            TorchState.LoadGlobalRng(checkpoint.Sections["rng"]);
        }

        // Phase 1: learn the first split.
        if (!state.LearnDone && state.LearnEpochs < spec.Epochs)
        {
            using var optimizer = torch.optim.Adam(model.parameters(), settings.LearningRate);
            if (checkpoint?.Fingerprint == ctx.Fingerprint && checkpoint.Sections.TryGetValue("optimizer.learn", out var saved))
                TorchState.LoadOptimizer(optimizer, saved);
            while (!state.LearnDone && state.LearnEpochs < spec.Epochs)
            {
                var epoch = state.LearnEpochs;
                var started = Stopwatch.GetTimestamp();
                var (loss, order, score, correct) = ctx.Time("train", () => LearnEpoch(ctx, model, optimizer, x1, y1, epoch));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                await ctx.TimeAsync("write", async () =>
                {
                    await ctx.Artifacts.WritePartAsync("learn_order", epoch, order, [n], ct);
                    await ctx.Artifacts.WritePartAsync("learn_score", epoch, score, [n], ct);
                    await ctx.Artifacts.WritePartAsync("learn_correct", epoch, correct, [n], ct);
                });
                state.LearnLoss.Add(loss);
                var allLearnt = correct.All(c => c != 0);
                var streak = allLearnt ? state.LearnStreak + 1 : 0;
                state = state with { LearnEpochs = epoch + 1, LearnStreak = streak, LearnDone = streak >= patience };
                await MaybeCheckpointAsync(ctx, state, model, ("optimizer.learn", optimizer));
                ctx.Report("learn", state.LearnEpochs, spec.Epochs, loss, n / Math.Max(seconds, 1e-9));
                ct.ThrowIfCancellationRequested();
            }
        }
        if (!state.LearnDone) state = state with { LearnDone = true };

        // Phase 2: train on the second split, evaluate the first L times per epoch.
        var m = second.Length;
        var batches = (m + settings.BatchSize - 1) / settings.BatchSize;
        var evalAt = EvaluationPoints(batches, logs);
        using (var optimizer = torch.optim.Adam(model.parameters(), settings.LearningRate))
        {
            if (state.ForgetEpochs > 0 && checkpoint?.Fingerprint == ctx.Fingerprint && checkpoint.Sections.TryGetValue("optimizer.forget", out var saved))
                TorchState.LoadOptimizer(optimizer, saved);
            while (state.ForgetEpochs < spec.Epochs)
            {
                var epoch = state.ForgetEpochs;
                var started = Stopwatch.GetTimestamp();
                var evaluations = new List<(float[] Score, byte[] Correct)>();
                var loss = ForgetEpoch(ctx, model, optimizer, x2, y2, epoch, evalAt, () =>
                    evaluations.Add(ctx.Time("record", () => Evaluate(ctx, model, x1, y1, evalBatch))));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                await ctx.TimeAsync("write", async () =>
                {
                    for (var j = 0; j < evaluations.Count; j++)
                    {
                        await ctx.Artifacts.WritePartAsync("forget_prob", epoch * logs + j, evaluations[j].Score, [n], ct);
                        await ctx.Artifacts.WritePartAsync("forget_correct", epoch * logs + j, evaluations[j].Correct, [n], ct);
                    }
                });
                state.ForgetLoss.Add(loss);
                state = state with { ForgetEpochs = epoch + 1 };
                await MaybeCheckpointAsync(ctx, state, model, ("optimizer.forget", optimizer));
                ctx.Report("forget", state.ForgetEpochs, spec.Epochs, loss, m / Math.Max(seconds, 1e-9));
                ct.ThrowIfCancellationRequested();
            }
        }

        var artifacts = new List<ArtifactRef>();
        await ctx.TimeAsync("assemble", async () =>
        {
            var e1 = state.LearnEpochs;
            var t = state.ForgetEpochs * logs;
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("sample_index", first, [n], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("second_index", second, [m], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<int>("learn_order", e1, [n], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("learn_score", e1, [n], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<byte>("learn_correct", e1, [n], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<float>("forget_prob", t, [n], ct));
            artifacts.Add(await ctx.Artifacts.AssembleAsync<byte>("forget_correct", t, [n], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("learn_loss", state.LearnLoss.ToArray(), [e1], ct));
            artifacts.Add(await ctx.Artifacts.WriteArrayAsync("forget_loss", state.ForgetLoss.ToArray(), [state.ForgetEpochs], ct));
        });
        return artifacts;
    }

    /// <summary>
    /// Batch positions (0..batches) before which the first split is evaluated in a phase-2 epoch:
    /// j·max(1, ⌊batches/(L−1)⌋) for j = 0..L−1, capped at <paramref name="batches"/> (= after the last batch).
    /// </summary>
    public static int[] EvaluationPoints(int batches, int logs)
    {
        if (logs == 1) return [0];
        var step = Math.Max(1, batches / (logs - 1));
        return Enumerable.Range(0, logs).Select(j => Math.Min(j * step, batches)).ToArray();
    }

    private (float Loss, int[] Order, float[] Score, byte[] Correct) LearnEpoch(ProbeContext ctx, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, Tensor x, Tensor y, int epoch)
    {
        var n = (int)x.shape[0];
        var batchSize = ctx.Spec.Settings.BatchSize;
        var permutation = EpochPermutation.Create(ctx.Spec.Seed, epoch, n, stream: 1);
        var score = new float[n];
        var correct = new byte[n];
        model.train();
        var parameters = model.parameters().ToArray();
        using var order = torch.tensor(permutation, device: ctx.Device);
        double sum = 0;
        var batches = 0;
        for (var start = 0; start < n; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            var length = Math.Min(batchSize, n - start);
            var idx = order.narrow(0, start, length);
            var xb = x.index_select(0, idx);
            var yb = y.index_select(0, idx);
            optimizer.zero_grad();
            var output = model.forward(xb);
            var loss = Loss(output, xb, yb);
            var value = ctx.CheckedLoss(loss, "learn", epoch, batches);
            using (torch.no_grad())
            {
                var (s, c) = Score(output.detach(), xb, yb, ctx.Spec.Settings.Threshold);
                TensorData.CopyInto(s, score, start);
                CopyInto(c, correct, start);
            }
            ctx.Backward(loss, parameters, "learn", epoch, batches);
            optimizer.step();
            sum += value;
            batches++;
            ctx.CancellationToken.ThrowIfCancellationRequested();
        }
        return ((float)(sum / batches), permutation.Select(p => (int)p).ToArray(), score, correct);
    }

    private float ForgetEpoch(ProbeContext ctx, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, Tensor x, Tensor y, int epoch, int[] evalAt, Action evaluate)
    {
        var n = (int)x.shape[0];
        var batchSize = ctx.Spec.Settings.BatchSize;
        model.train();
        var parameters = model.parameters().ToArray();
        using var order = torch.tensor(EpochPermutation.Create(ctx.Spec.Seed, epoch, n, stream: 2), device: ctx.Device);
        double sum = 0;
        var batch = 0;
        var next = 0;
        for (var start = 0; start < n; start += batchSize, batch++)
        {
            while (next < evalAt.Length && evalAt[next] == batch) { evaluate(); next++; }
            using var scope = torch.NewDisposeScope();
            var length = Math.Min(batchSize, n - start);
            var idx = order.narrow(0, start, length);
            var xb = x.index_select(0, idx);
            var yb = y.index_select(0, idx);
            optimizer.zero_grad();
            var loss = Loss(model.forward(xb), xb, yb);
            sum += ctx.CheckedLoss(loss, "forget", epoch, batch);
            ctx.Backward(loss, parameters, "forget", epoch, batch);
            optimizer.step();
            ctx.CancellationToken.ThrowIfCancellationRequested();
        }
        while (next < evalAt.Length) { evaluate(); next++; }
        return (float)(sum / Math.Max(batch, 1));
    }

    private (float[] Score, byte[] Correct) Evaluate(ProbeContext ctx, nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int batchSize)
    {
        var n = (int)x.shape[0];
        var score = new float[n];
        var correct = new byte[n];
        model.eval();
        using (torch.no_grad())
        {
            for (var start = 0; start < n; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var length = Math.Min(batchSize, n - start);
                var xb = x.narrow(0, start, length);
                var yb = y.narrow(0, start, length);
                var (s, c) = Score(model.forward(xb), xb, yb, ctx.Spec.Settings.Threshold);
                TensorData.CopyInto(s, score, start);
                CopyInto(c, correct, start);
                ctx.CancellationToken.ThrowIfCancellationRequested();
            }
        }
        model.train();
        return (score, correct);
    }

    private Tensor Loss(Tensor output, Tensor x, Tensor y) => kind == SsftModelKind.Classifier
        ? nn.functional.cross_entropy(output, y)
        : nn.functional.l1_loss(output, x);

    /// <summary>Per-sample score and correctness: classifier → (p(label), argmax = label); autoencoder → (SSIM, SSIM &gt; threshold).</summary>
    private (Tensor Score, Tensor Correct) Score(Tensor output, Tensor x, Tensor y, double threshold)
    {
        if (kind == SsftModelKind.Classifier)
        {
            var probability = nn.functional.softmax(output, 1).gather(1, y.unsqueeze(1)).squeeze(1);
            return (probability, output.argmax(1).eq(y));
        }
        var ssim = TorchSsim.PerSample(output, x, SsimVariant.Gaussian11, 1.0);
        return (ssim, ssim.gt(threshold));
    }

    private static void CopyInto(Tensor flags, byte[] target, int offset)
    {
        using var cpu = flags.to(ScalarType.Byte).cpu().contiguous();
        cpu.data<byte>().CopyTo(target, offset);
    }

    private static async Task MaybeCheckpointAsync(ProbeContext ctx, State state, nn.Module model, (string Name, OptimizerHelper Optimizer) optimizer)
    {
        // Epochs actually trained so far; phase 1 may stop early, so the last phase-2 epoch is always saved.
        var trained = state.LearnEpochs + state.ForgetEpochs;
        var last = state.ForgetEpochs == ctx.Spec.Epochs;
        if (ctx.Spec.CheckpointEvery <= 0 || !(trained % ctx.Spec.CheckpointEvery == 0 || last)) return;
        await ctx.TimeAsync("checkpoint", () => ctx.Checkpoints.SaveAsync(new Checkpoint(ctx.Fingerprint, JsonSerializer.Serialize(state),
            new Dictionary<string, byte[]>
            {
                ["model"] = TorchState.SaveModule(model),
                [optimizer.Name] = TorchState.SaveOptimizer(optimizer.Optimizer),
                ["rng"] = TorchState.SaveGlobalRng(),
            }), ctx.CancellationToken));
    }
}
