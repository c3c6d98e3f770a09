using System.Globalization;
using System.Text;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Pruning;

/// <summary>Settings of <see cref="PruningEvaluator"/>.</summary>
public sealed record PruningEvaluationOptions
{
    /// <summary>Kept fractions, each in (0, 1].</summary>
    public IReadOnlyList<double> Fractions { get; init; } = [0.3, 0.5, 0.7];

    /// <summary>Seeds per (fraction, strategy); seed s trains with seed s and draws the random subset with seed s.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Classifier epochs.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Ordering of the scored subsets (<c>score</c> or a metric).</summary>
    public string By { get; init; } = "score";

    /// <summary>Strategies of the scored subsets (each trained next to the random baseline).</summary>
    public IReadOnlyList<PruneStrategy> Strategies { get; init; } = [PruneStrategy.Hard];

    /// <summary>Also train on the whole training pool once per seed (strategy <c>full</c>).</summary>
    public bool IncludeFull { get; init; } = true;

    /// <summary>
    /// Only for runs without <c>splits/test.npy</c>: hold out this fraction of the ranked clean samples (stratified) as
    /// the test set. The probes trained on those samples, so the accuracy is optimistic; null (the default) makes such
    /// a run fail with a message pointing at <c>hardsamples run --test-fraction</c>.
    /// </summary>
    public double? HoldoutFraction { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> on bad values.</summary>
    public PruningEvaluationOptions Validate()
    {
        if (Fractions.Count == 0) throw new ArgumentException("--fractions is empty.");
        foreach (var f in Fractions) if (!(f > 0 && f <= 1)) throw new ArgumentException($"Every fraction must be in (0, 1]; got {f}.");
        if (Strategies.Count == 0 || Strategies.Distinct().Count() != Strategies.Count) throw new ArgumentException("--strategy needs one or more distinct strategies.");
        if (Seeds < 1) throw new ArgumentException($"--seeds must be at least 1; got {Seeds}.");
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1; got {Epochs}.");
        if (HoldoutFraction is { } h && !(h > 0 && h < 1)) throw new ArgumentException($"--holdout must be in (0, 1); got {h}.");
        if (By.Equals("random", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException("--by random is the baseline itself; choose score or a metric.");
        return this;
    }
}

/// <summary>One trained classifier.</summary>
/// <param name="Fraction">Kept fraction of the training pool.</param>
/// <param name="Strategy"><c>{by}-{strategy}</c> (e.g. <c>score-hard</c>), <c>random</c> or <c>full</c>.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Accuracy">Test accuracy in [0, 1].</param>
/// <param name="Kept">Training samples used.</param>
/// <param name="TestCount">Test samples.</param>
/// <param name="Classifier">Trainer name.</param>
/// <param name="Epochs">Epochs.</param>
public sealed record PruningResultRow(double Fraction, string Strategy, int Seed, double Accuracy, int Kept, int TestCount, string Classifier, int Epochs);

/// <summary>The evaluation's rows and where the test set came from.</summary>
/// <param name="Rows">One row per trained classifier.</param>
/// <param name="TestSource"><c>splits/test.npy</c> or a description of the hold-out.</param>
public sealed record PruningEvaluation(IReadOnlyList<PruningResultRow> Rows, string TestSource);

/// <summary>
/// Trains a classifier on each kept subset and on random subsets of the same size (same class proportions), evaluates
/// each on the run's held-out test split (<c>data/splits/test.npy</c>, written by <c>hardsamples run --test-fraction</c>;
/// an explicit <see cref="PruningEvaluationOptions.HoldoutFraction"/> for runs without one; clean labels when known), and stores <c>results/pruning.csv</c> and the plot <c>results/pruning.png</c>.
/// </summary>
public static class PruningEvaluator
{
    /// <summary>Runs the evaluation. <paramref name="progress"/> receives one line per trained model.</summary>
    public static async Task<PruningEvaluation> EvaluateAsync(IArtifactStore store, string runId, IClassifierTrainer trainer, PruningEvaluationOptions options,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        options.Validate();
        var inputs = await PruneInputs.LoadAsync(store, runId, ct);
        if (inputs.Labels is null) throw new InvalidDataException($"Run '{runId}' has no labels; a classifier cannot be evaluated.");
        if (options.By != "score" && inputs.Metrics?.Has(options.By) != true && !inputs.Ranking.KeyMetricNames.Contains(options.By))
            throw new ArgumentException($"Unknown --by '{options.By}'.");
        var run = new RunReader(store, runId);
        var testSplit = (await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "splits/test.npy"), ct))?.Data;
        string testSource;
        if (testSplit is not null) testSource = "splits/test.npy" + (options.HoldoutFraction is null ? "" : " (--holdout ignored: the run has a test split)");
        else if (options.HoldoutFraction is { } holdout)
        {
            testSplit = Holdout(inputs.Ranking, holdout);
            testSource = $"seeded stratified hold-out of {holdout:P0} of the clean samples (the run has no test split; the probes trained on them)";
        }
        else
        {
            throw new InvalidDataException(
                $"Run '{runId}' has no held-out test split ({RunBlobNames.Data(runId, "splits/test.npy")}). Start the run with " +
                "'hardsamples run --test-fraction 0.1' (testFraction in an API request), or pass --holdout F to hold out F of its ranked clean samples " +
                "(the probes trained on those, so the accuracy is optimistic).");
        }
        var testSet = testSplit.ToHashSet();
        var pool = inputs.Ranking.Rows.Select(r => r.SampleId).Where(id => !testSet.Contains(id)).ToHashSet();
        var injected = (await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "injected.npy"), ct))?.Data;
        var partner = (await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "partner.npy"), ct))?.Data;
        var (cleanTest, dropped) = CleanTestSet(testSplit, pool, injected, partner);
        if (cleanTest.Length == 0) throw new InvalidDataException($"Run '{runId}': no clean sample is left in the test set.");
        if (dropped > 0) testSource += $"; {dropped} mixed, near-duplicate or duplicated-into-training samples left out";
        testSplit = cleanTest;
        var classCount = Math.Max(inputs.Manifest?.ClassCount ?? 0, inputs.Labels.Max() + 1);
        var all = new LabeledImages(inputs.Samples.Data, inputs.Labels, inputs.Samples.Dim(1), inputs.Samples.Dim(2), inputs.Samples.Dim(3), classCount);
        var testLabels = inputs.CleanLabels ?? inputs.Labels;
        var test = (all with { Labels = testLabels }).Subset(testSplit);
        test.Validate("test set");
        var rows = new List<PruningResultRow>();
        async Task Train(double fraction, string strategy, int seed, IReadOnlyList<int> ids)
        {
            var acc = await trainer.TrainAndEvaluateAsync(all.Subset(ids), test, new ClassifierTrainingOptions(options.Epochs, seed), ct);
            rows.Add(new PruningResultRow(fraction, strategy, seed, acc, ids.Count, test.Count, trainer.Name, options.Epochs));
            progress?.Report($"{strategy,-14} fraction {fraction:0.###} seed {seed}: accuracy {acc:P2} ({ids.Count} samples)");
        }
        for (var seed = 0; seed < options.Seeds; seed++)
        {
            if (options.IncludeFull) await Train(1.0, "full", seed, pool.Order().ToArray());
            foreach (var f in options.Fractions)
            {
                foreach (var strategy in options.Strategies)
                {
                    var scored = PruneSelector.Select(inputs.Ranking, new PruneRequest(f, options.By, strategy, seed), inputs.Metrics, inputs.Correlations, inputs.Summary?.Target, pool);
                    await Train(f, $"{options.By}-{strategy.ToString().ToLowerInvariant()}", seed, scored.Rows.Select(r => r.SampleId).ToArray());
                }
                var random = PruneSelector.Select(inputs.Ranking, new PruneRequest(f, "random", Seed: seed), pool: pool);
                await Train(f, "random", seed, random.Rows.Select(r => r.SampleId).ToArray());
            }
        }
        var png = Reporting.ReportPlots.PruningCurve(rows);
        await store.PutAsync(RunBlobNames.PruningPlot(runId), new MemoryStream(png), new ArtifactPutOptions(ContentType: "image/png"), ct);
        await store.PutAsync(RunBlobNames.PruningCsv(runId), new MemoryStream(ToCsv(rows, testSource)), new ArtifactPutOptions(ContentType: "text/csv"), ct);
        return new PruningEvaluation(rows, testSource);
    }

    /// <summary>
    /// The evaluation set: the test split without injected mixtures (ambiguous images) and near-duplicates, and
    /// without originals whose near-duplicate sits in the training pool (a copy would leak). Label flips stay and are
    /// scored against their clean labels. Returns the kept ids and how many were dropped.
    /// </summary>
    public static (int[] Kept, int Dropped) CleanTestSet(int[] testSplit, IReadOnlySet<int> pool, int[]? injected, int[]? partner)
    {
        var copiedIntoPool = new HashSet<int>();
        if (injected is not null && partner is not null && partner.Length == injected.Length)
            for (var i = 0; i < injected.Length; i++)
                if (injected[i] == 3 && pool.Contains(i) && partner[i] >= 0) copiedIntoPool.Add(partner[i]);
        var kept = testSplit.Where(id => (injected is null || id >= injected.Length || injected[id] is 0 or 2) && !copiedIntoPool.Contains(id)).ToArray();
        return (kept, testSplit.Length - kept.Length);
    }

    /// <summary>Stratified (by observed label) seeded hold-out among samples with no injected corruption.</summary>
    public static int[] Holdout(RankingTable ranking, double fraction)
    {
        var rng = new Random(12345);
        return ranking.Rows.Where(r => r.Injected <= 0).GroupBy(r => r.Label).OrderBy(g => g.Key)
            .SelectMany(g =>
            {
                var ids = g.Select(r => r.SampleId).Order().ToArray();
                rng.Shuffle(ids);
                return ids.Take((int)Math.Round(fraction * ids.Length));
            }).Order().ToArray();
    }

    /// <summary><c>fraction,strategy,seed,accuracy,kept,test_count,classifier,epochs</c>.</summary>
    public static byte[] ToCsv(IEnumerable<PruningResultRow> rows, string? testSource = null)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Csv.WriteRecord(sw, ["fraction", "strategy", "seed", "accuracy", "kept", "test_count", "classifier", "epochs", "test_source"]);
        foreach (var r in rows)
            Csv.WriteRecord(sw, [Csv.Format(r.Fraction), r.Strategy, I(r.Seed), Csv.Format(r.Accuracy), I(r.Kept), I(r.TestCount), r.Classifier, I(r.Epochs), testSource ?? ""]);
        return new UTF8Encoding(false).GetBytes(sw.ToString());
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads <c>pruning.csv</c>.</summary>
    public static List<PruningResultRow> ReadCsv(Stream stream, string source = "pruning.csv")
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var records = Csv.ReadAll(reader, source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var h = records[0];
        int Col(string c) => Array.IndexOf(h, c) is var i and >= 0 ? i : throw new InvalidDataException($"{source}: missing column '{c}'.");
        int f = Col("fraction"), s = Col("strategy"), sd = Col("seed"), a = Col("accuracy"), k = Col("kept"), t = Col("test_count"), c = Col("classifier"), e = Col("epochs");
        return records.Skip(1).Select((r, i) =>
        {
            var w = $"{source} row {i + 2}";
            if (r.Length != h.Length) throw new InvalidDataException($"{w}: {r.Length} fields, the header has {h.Length}.");
            return new PruningResultRow(Csv.ParseDouble(r[f], w), r[s], (int)Csv.ParseLong(r[sd], w), Csv.ParseDouble(r[a], w), (int)Csv.ParseLong(r[k], w),
                (int)Csv.ParseLong(r[t], w), r[c], (int)Csv.ParseLong(r[e], w));
        }).ToList();
    }
}
