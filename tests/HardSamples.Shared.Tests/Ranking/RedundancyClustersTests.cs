using HardSamples.Shared.Ranking;

namespace HardSamples.Shared.Tests.Ranking;

public class RedundancyClustersTests
{
    [Fact]
    public void Transitive_pairs_form_one_cluster_with_the_least_hard_member_as_representative()
    {
        int[] ids = [10, 11, 12, 13, 14, 15];
        double[] hardness = [0.9, 0.2, 0.5, 0.1, 0.7, 0.7];
        var pairs = new[] { new NearDuplicatePair(10, 11, 0.1), new NearDuplicatePair(12, 11, 0.1), new NearDuplicatePair(14, 15, 0.2), new NearDuplicatePair(99, 10, 0.3) };
        var c = RedundancyClusters.Build(ids, pairs, hardness, out var ignored);
        Assert.Equal(1, ignored);
        Assert.Equal([11, 11, 11, 13, 14, 14], c.Cluster);
        Assert.Equal([3, 3, 3, 1, 2, 2], c.ClusterSize);
        Assert.Equal([false, true, false, true, true, false], c.IsRepresentative); // tie 14/15 → smaller id
        Assert.Equal(2, c.MultiSampleClusters);
        Assert.Equal(3, c.RedundantSamples);
    }

    [Fact]
    public void Pairs_csv_accepts_documented_headers_and_rejects_others()
    {
        var ok = NearDuplicatePair.ReadCsv(new MemoryStream("sample_a,sample_b,distance\n1,2,0.5\n"u8.ToArray()));
        Assert.Equal(new NearDuplicatePair(1, 2, 0.5), ok.Single());
        var noDist = NearDuplicatePair.ReadCsv(new MemoryStream("i,j\n3,4\n"u8.ToArray()));
        Assert.True(double.IsNaN(noDist.Single().Distance));
        var ex = Assert.Throws<InvalidDataException>(() => NearDuplicatePair.ReadCsv(new MemoryStream("x,y\n1,2\n"u8.ToArray())));
        Assert.Contains("sample_a", ex.Message);
    }

    [Fact]
    public void Union_find_merges_and_reports_sizes()
    {
        var uf = new UnionFind(5);
        Assert.True(uf.Union(0, 1));
        Assert.True(uf.Union(3, 1));
        Assert.False(uf.Union(0, 3));
        Assert.Equal(3, uf.SizeOf(3));
        Assert.Equal(1, uf.SizeOf(4));
    }
}
