using System.Globalization;
using System.IO.Compression;
using System.Text;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.TestSupport;

/// <summary>Shape of a synthetic run.</summary>
public sealed record SyntheticRunOptions
{
    /// <summary>Samples (ignored with <see cref="UseGoldenMetrics"/>, which fixes 2,000).</summary>
    public int Count { get; init; } = 600;

    /// <summary>Use the golden 2,000-sample metric table, its label as the mixture target and its loss as the AE losses.</summary>
    public bool UseGoldenMetrics { get; init; }

    /// <summary>Fraction of label flips among the non-mixed samples.</summary>
    public double FlipRate { get; init; } = 0.03;

    /// <summary>Fraction of near-duplicates among the non-mixed samples.</summary>
    public double DuplicateRate { get; init; } = 0.02;

    /// <summary>Write SSFT time columns.</summary>
    public bool WithSsft { get; init; } = true;

    /// <summary>Write the held-out test split.</summary>
    public bool WithTestSplit { get; init; } = true;

    /// <summary>Seed of every draw.</summary>
    public int Seed { get; init; } = 7;
}

/// <summary>What was planted.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Count">N.</param>
/// <param name="Injected">Injected kind per sample.</param>
/// <param name="Partner">Partner per sample.</param>
/// <param name="Labels">Observed labels.</param>
/// <param name="CleanLabels">Clean labels.</param>
/// <param name="TestSplit">Held-out sample ids (empty when none).</param>
public sealed record SyntheticRunInfo(string RunId, int Count, int[] Injected, int[] Partner, int[] Labels, int[] CleanLabels, int[] TestSplit);

/// <summary>
/// Writes a realistic run in the documented layout (MNIST digits from the bundled sample, mixtures built the seed's way,
/// label flips, near-duplicates, metric table with signal, correlations, SSFT times, AE training curves, near-duplicate pairs).
/// </summary>
public static class SyntheticRun
{
    /// <summary>Creates the run's blobs in <paramref name="store"/>.</summary>
    public static SyntheticRunInfo Create(IArtifactStore store, string runId, SyntheticRunOptions? options = null)
    {
        options ??= new SyntheticRunOptions();
        var rng = new Random(options.Seed);
        PerSampleTable? golden = null;
        int[]? goldenLabel = null;
        if (options.UseGoldenMetrics)
        {
            using var f = File.OpenRead(RepoPaths.Golden("expected", "metrics.csv"));
            golden = PerSampleTable.ReadCsv(f);
            goldenLabel = Npy.ReadFile<int>(RepoPaths.Golden("inputs", "label.npy")).Data;
        }
        var n = golden?.RowCount ?? options.Count;
        var (digits, digitLabels) = ReadMnist(n * 2);
        const int h = 28, w = 28, px = h * w;
        const float mean = 0.1307f, std = 0.3081f;
        var samples = new float[n * px];
        var injected = new int[n];
        var partner = Enumerable.Repeat(-1, n).ToArray();
        var clean = new int[n];
        var sourceIndex = new long[n];
        for (var i = 0; i < n; i++)
        {
            for (var p = 0; p < px; p++) samples[i * px + p] = (digits[i * px + p] / 255f - mean) / std;
            clean[i] = digitLabels[i];
            sourceIndex[i] = i;
        }
        // mixtures: golden label, or 8% of the samples
        var mix = goldenLabel is not null ? Enumerable.Range(0, n).Where(i => goldenLabel[i] == 1).ToArray() : Pick(Enumerable.Range(0, n), (int)(0.08 * n), rng);
        foreach (var i in mix)
        {
            var j = n + i; // the second digit comes from beyond the first n
            for (var p = 0; p < px; p++) samples[i * px + p] = (samples[i * px + p] + (digits[j * px + p] / 255f - mean) / std) / 1.58f;
            injected[i] = 1;
            partner[i] = j;
        }
        var labels = (int[])clean.Clone();
        var free = Enumerable.Range(0, n).Where(i => injected[i] == 0).ToList();
        foreach (var i in Pick(free, Math.Max(1, (int)(options.FlipRate * n)), rng))
        {
            labels[i] = (clean[i] + 1 + rng.Next(9)) % 10;
            injected[i] = 2;
        }
        free = Enumerable.Range(0, n).Where(i => injected[i] == 0).ToList();
        var dupCount = Math.Max(1, (int)(options.DuplicateRate * n));
        var dups = Pick(free, 2 * dupCount, rng);
        for (var k = 0; k < dupCount; k++)
        {
            int d = dups[k], o = dups[dupCount + k];
            for (var p = 0; p < px; p++) samples[d * px + p] = samples[o * px + p] + (float)(0.05 * Normal(rng));
            labels[d] = clean[d] = clean[o];
            injected[d] = 3;
            partner[d] = o;
            sourceIndex[d] = sourceIndex[o];
        }

        var data = runId + "/data/";
        Put(store, data + "samples.npy", Npy.ToBytes<float>(samples, [n, 1, h, w]));
        Put(store, data + "labels.npy", Npy.ToBytes<int>(labels, [n]));
        Put(store, data + "labels_clean.npy", Npy.ToBytes<int>(clean, [n]));
        Put(store, data + "injected.npy", Npy.ToBytes<int>(injected, [n]));
        Put(store, data + "partner.npy", Npy.ToBytes<int>(partner, [n]));
        var prov = new StringBuilder("sample_id,source_index,source_name,injected,partner\n");
        for (var i = 0; i < n; i++) prov.Append(CultureInfo.InvariantCulture, $"{i},{sourceIndex[i]},\"t10k-images-idx3-ubyte.gz, #{sourceIndex[i]}\",{KindName(injected[i])},{partner[i]}\n");
        Put(store, data + "provenance.csv", prov.ToString());
        var order = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var test = options.WithTestSplit ? order.Where(i => injected[i] == 0).Take(n / 5).Order().ToArray() : [];
        var trainable = order.Except(test).ToArray();
        var a = trainable.Take(trainable.Length / 2).Order().ToArray();
        var b = trainable.Skip(trainable.Length / 2).Order().ToArray();
        Put(store, data + "splits/A.npy", Npy.ToBytes<int>(a, [a.Length]));
        Put(store, data + "splits/B.npy", Npy.ToBytes<int>(b, [b.Length]));
        if (test.Length > 0) Put(store, data + "splits/test.npy", Npy.ToBytes<int>(test, [test.Length]));
        Put(store, data + "manifest.json", $$"""
            {"schemaVersion":1,"count":{{n}},"channels":1,"height":28,"width":28,"classCount":10,"hasLabels":true,
             "normalization":{"mean":[0.1307],"std":[0.3081]},"fingerprint":"synthetic-{{options.Seed}}",
             "source":"bundled MNIST test set (synthetic test run)","corruption":{"mix":0.08,"flip":{{options.FlipRate.ToString(CultureInfo.InvariantCulture)}},"dups":{{options.DuplicateRate.ToString(CultureInfo.InvariantCulture)}},"seed":{{options.Seed}}},
             "injectedCounts":{"none":{{injected.Count(x => x == 0)}},"mixture":{{mix.Length}},"label_flip":{{injected.Count(x => x == 2)}},"near_duplicate":{{dupCount}}},"splits":["A","B"{{(test.Length > 0 ? ",\"test\"" : "")}}]}
            """);
        Put(store, runId + "/manifest.json", $$"""{"runId":"{{runId}}","dataset":"mnist-sample (synthetic)","epochs":30,"probes":["ae","ssft"],"createdAt":"2025-01-01T00:00:00Z"}""");

        // AE probe curves
        const int epochs = 30;
        float[] losses;
        if (options.UseGoldenMetrics) losses = Npy.ReadFile<float>(RepoPaths.Golden("inputs", "loss.npy")).Data;
        else
        {
            losses = new float[epochs * n];
            for (var e = 0; e < epochs; e++)
                for (var i = 0; i < n; i++) losses[e * n + i] = (float)(0.3 + 0.5 * Math.Exp(-e / 6.0) + (injected[i] == 1 ? 0.12 : 0) + 0.03 * Normal(rng));
        }
        var trainLoss = Enumerable.Range(0, epochs).Select(e => (float)(0.32 + 0.55 * Math.Exp(-e / 5.0))).ToArray();
        Put(store, runId + "/probes/ae/losses.npy", Npy.ToBytes<float>(losses, [epochs, n]));
        Put(store, runId + "/probes/ae/train_loss.npy", Npy.ToBytes<float>(trainLoss, [epochs]));

        // metric table
        var columns = new List<KeyValuePair<string, double[]>>();
        if (golden is not null) columns.AddRange(golden.ColumnNames.Select(c => KeyValuePair.Create(c, golden.Column(c))));
        else
        {
            double[] Col(Func<int, double> f) => Enumerable.Range(0, n).Select(f).ToArray();
            var lossLast = Col(i => 0.3 + (injected[i] == 1 ? 0.12 : 0) + 0.04 * Normal(rng));
            columns.Add(new("loss__last", lossLast));
            columns.Add(new("loss__mean_from_0", Col(i => lossLast[i] + 0.3 + 0.02 * Normal(rng))));
            columns.Add(new("loss__var_from_0", Col(i => 0.01 + 0.002 * Math.Abs(Normal(rng)))));
            columns.Add(new("H__mean_from_0", Col(i => 2.0 - (injected[i] == 1 ? 0.08 : 0) + 0.05 * Normal(rng))));
            columns.Add(new("L2__last", Col(i => 1.5 + 0.1 * Normal(rng))));
            columns.Add(new("LID__mean_from_10", Col(i => 8 + (injected[i] == 1 ? 0.6 : 0) + Normal(rng))));
            columns.Add(new("sil__last", Col(i => 0.2 - (injected[i] is 1 or 2 ? 0.05 : 0) + 0.05 * Normal(rng))));
        }
        var split = n / 2.0;
        if (options.WithSsft)
        {
            var learn = new double[n];
            var forget = new double[n];
            for (var i = 0; i < n; i++)
            {
                switch (injected[i])
                {
                    case 2:
                        learn[i] = rng.NextDouble() < 0.2 ? -1 : Math.Round(split * (5 + 3 * rng.NextDouble()));
                        forget[i] = Math.Round(split * 0.25 * rng.Next(0, 2));
                        break;
                    case 1:
                        learn[i] = Math.Round(split * (0.2 + 1.2 * rng.NextDouble()));
                        forget[i] = rng.NextDouble() < 0.6 ? Math.Round(split * 0.25 * rng.Next(0, 3)) : -1;
                        break;
                    default:
                        learn[i] = rng.NextDouble() < 0.1 ? Math.Round(split * (4 + 4 * rng.NextDouble())) : Math.Round(split * (0.1 + 1.4 * rng.NextDouble()));
                        forget[i] = rng.NextDouble() < 0.85 ? -1 : Math.Round(split * (3 + 5 * rng.NextDouble()));
                        break;
                }
            }
            // as the workflow stores them: epochs (−1 = never) and steps with the sentinel max + 10000, one per direction
            // (split A: even ids, split B: odd ids)
            var learnEpoch = learn.Select(v => v < 0 ? -1.0 : Math.Floor(v / split)).ToArray();
            var forgetEpoch = forget.Select(v => v < 0 ? -1.0 : Math.Floor(v / split)).ToArray();
            foreach (var parity in new[] { 0, 1 })
            {
                var ids = Enumerable.Range(0, n).Where(i => i % 2 == parity).ToArray();
                var learnSentinel = ids.Max(i => learn[i]) + SsftCategorizer.SentinelGap;
                var forgetSentinel = ids.Max(i => forget[i]) + SsftCategorizer.SentinelGap;
                foreach (var i in ids)
                {
                    if (learn[i] < 0) learn[i] = learnSentinel;
                    if (forget[i] < 0) forget[i] = forgetSentinel;
                }
            }
            columns.Add(new("ssft_learn_epoch", learnEpoch));
            columns.Add(new("ssft_learn_step", learn));
            columns.Add(new("ssft_forget_epoch", forgetEpoch));
            columns.Add(new("ssft_forget_step", forget));
        }
        var table = new PerSampleTable(Enumerable.Range(0, n).ToArray(), columns);
        var csv = new StringBuilder("idx," + string.Join(',', table.ColumnNames) + "\n");
        for (var i = 0; i < n; i++)
            csv.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').AppendJoin(',', table.ColumnNames.Select(c => Csv.Format(table.Column(c)[i]))).Append('\n');
        Put(store, runId + "/results/metrics.csv", csv.ToString());

        var corr = new StringBuilder("metric,target,srcc,abs_srcc,auc,auc_oriented\n");
        foreach (var (target, code) in new[] { ("mixture", 1), ("label_flip", 2), ("near_duplicate", 3) })
        {
            var pos = injected.Select(x => x == code).ToArray();
            var y = pos.Select(p => p ? 1.0 : 0.0).ToArray();
            foreach (var c in table.ColumnNames)
            {
                var col = table.Column(c);
                var r = RankMath.Spearman(col, y);
                var auc = RankMath.Auc(col, pos);
                corr.Append(CultureInfo.InvariantCulture, $"{c},{target},{Csv.Format(r)},{Csv.Format(Math.Abs(r))},{Csv.Format(auc)},{Csv.Format(r >= 0 ? auc : 1 - auc)}\n");
            }
        }
        Put(store, runId + "/results/correlations.csv", corr.ToString());

        var pairs = new StringBuilder("sample_a,sample_b,distance\n");
        for (var i = 0; i < n; i++) if (injected[i] == 3) pairs.Append(CultureInfo.InvariantCulture, $"{partner[i]},{i},{0.05 * Math.Sqrt(px):R}\n");
        Put(store, runId + "/results/near_duplicates.csv", pairs.ToString());
        return new SyntheticRunInfo(runId, n, injected, partner, labels, clean, test);
    }

    /// <summary>The first <paramref name="count"/> digits (uint8, row-major) and labels of the bundled MNIST sample.</summary>
    public static (byte[] Pixels, int[] Labels) ReadMnist(int count)
    {
        var images = ReadIdx(Path.Combine(RepoPaths.SampleDir, "t10k-images-idx3-ubyte.gz"), 0x803, out var dims);
        var labels = ReadIdx(Path.Combine(RepoPaths.SampleDir, "t10k-labels-idx1-ubyte.gz"), 0x801, out _);
        if (count > dims[0]) throw new ArgumentOutOfRangeException(nameof(count), $"The sample has {dims[0]} images.");
        var px = dims[1] * dims[2];
        return (images.AsSpan(0, count * px).ToArray(), labels.Take(count).Select(b => (int)b).ToArray());
    }

    private static byte[] ReadIdx(string path, int magic, out int[] dims)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var b = ms.ToArray();
        int Be(int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
        if (Be(0) != magic) throw new InvalidDataException($"{path}: bad magic.");
        var rank = magic & 0xFF;
        dims = Enumerable.Range(0, rank).Select(k => Be(4 + 4 * k)).ToArray();
        return b[(4 + 4 * rank)..];
    }

    private static string KindName(int code) => ((HardSamples.Shared.Corruption.InjectedKind)code).Name();

    private static int[] Pick(IEnumerable<int> from, int count, Random rng) => from.OrderBy(_ => rng.Next()).Take(count).ToArray();

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static void Put(IArtifactStore store, string name, byte[] bytes) => store.PutAsync(name, new MemoryStream(bytes)).GetAwaiter().GetResult();

    private static void Put(IArtifactStore store, string name, string text) => Put(store, name, new UTF8Encoding(false).GetBytes(text));
}
