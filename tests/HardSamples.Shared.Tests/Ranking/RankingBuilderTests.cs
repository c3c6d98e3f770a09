using HardSamples.Shared.Ranking;
using HardSamples.Shared.Runs;
using HardSamples.TestSupport;
using Parquet;

namespace HardSamples.Shared.Tests.Ranking;

public class RankingBuilderTests
{
    [Fact]
    public async Task Builds_ranking_csv_parquet_and_summary_for_a_run()
    {
        var store = new DictionaryArtifactStore();
        var info = SyntheticRun.Create(store, "r1");
        var result = await new RankingBuilder(store).BuildAsync("r1");

        var back = RankingTable.ReadCsv(new MemoryStream(store.Get("r1/results/ranking.csv")));
        Assert.Equal(info.Count, back.Rows.Count);
        Assert.Equal(Enumerable.Range(1, info.Count), back.Rows.Select(r => r.Rank));
        Assert.Equal(result.Table.KeyMetricNames, back.KeyMetricNames);
        Assert.True(back.Rows.Zip(back.Rows.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal("mixture", result.Summary.Target);
        Assert.Contains(result.Summary.Metrics, m => m.Name == "loss__last");
        Assert.All(back.Rows, r => Assert.Equal(info.Injected[r.SampleId], r.Injected));
        Assert.All(back.Rows, r => Assert.StartsWith("t10k-images-idx3-ubyte.gz, #", r.SourceName));

        // mixtures are ranked high: mean rank of mixtures well above the rest
        var mixRank = back.Rows.Where(r => r.Injected == 1).Average(r => r.Rank);
        var otherRank = back.Rows.Where(r => r.Injected != 1).Average(r => r.Rank);
        Assert.True(mixRank < otherRank * 0.6, $"mixture mean rank {mixRank} vs {otherRank}");

        // SSFT: most flips are called mislabeled, most typical samples typical
        var flips = back.Rows.Where(r => r.Injected == 2).ToList();
        Assert.True(flips.Count(r => r.Category == "mislabeled") >= 0.8 * flips.Count, string.Join(",", flips.Select(r => r.Category)));
        var plain = back.Rows.Where(r => r.Injected == 0).ToList();
        Assert.True(plain.Count(r => r.Category == "typical") >= 0.7 * plain.Count);
        Assert.NotNull(result.Summary.Ssft);
        Assert.Equal("ssft_learn_step", result.Summary.Ssft!.LearnColumn);
        Assert.True(result.Summary.Ssft.Reliable);
        Assert.Equal(info.Count, result.Summary.Ssft.KnownCount);

        // every duplicate shares a cluster with its original; one representative per cluster
        foreach (var d in back.Rows.Where(r => r.Injected == 3))
        {
            var original = back.Rows.Single(r => r.SampleId == info.Partner[d.SampleId]);
            Assert.Equal(original.Cluster, d.Cluster);
            Assert.Equal(2, d.ClusterSize);
        }
        Assert.Equal(info.Injected.Count(x => x == 3), back.Rows.Count(r => !r.Representative));
        Assert.Equal(info.Injected.Count(x => x == 3), result.Summary.Redundancy.Clusters);

        await using var pq = await ParquetReader.CreateAsync(new MemoryStream(store.Get("r1/results/ranking.parquet")));
        Assert.Equal(info.Count, pq.RowGroups.Sum(g => g.RowCount));
        Assert.Equal(back.ColumnNames, pq.Schema.DataFields.Select(f => f.Name));
        var summary = await RankingBuilder.TryReadSummaryAsync(store, "r1");
        Assert.Equal(result.Summary.Metrics, summary!.Metrics);
    }

    [Fact]
    public async Task Unknown_run_and_missing_metrics_fail_clearly_without_writing()
    {
        var store = new DictionaryArtifactStore();
        await Assert.ThrowsAsync<RunNotFoundException>(() => new RankingBuilder(store).BuildAsync("nope"));
        store.PutText("r2/manifest.json", "{}");
        var writes = store.WriteCount;
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new RankingBuilder(store).BuildAsync("r2"));
        Assert.Contains("metrics.csv", ex.Message);
        Assert.Equal(writes, store.WriteCount);
        await Assert.ThrowsAsync<ArgumentException>(() => new RankingBuilder(store).BuildAsync("../x"));
    }

    [Fact]
    public async Task Unknown_metric_in_options_writes_nothing()
    {
        var store = new DictionaryArtifactStore();
        SyntheticRun.Create(store, "r3", new SyntheticRunOptions { Count = 200 });
        var writes = store.WriteCount;
        await Assert.ThrowsAsync<ArgumentException>(() => new RankingBuilder(store).BuildAsync("r3", new RankingOptions { Hardness = new HardnessOptions { Metrics = ["nope"] } }));
        Assert.Equal(writes, store.WriteCount);
    }
}
