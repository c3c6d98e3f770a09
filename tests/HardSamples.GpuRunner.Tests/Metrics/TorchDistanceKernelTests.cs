using HardSamples.GpuRunner.Metrics;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.GpuRunner.Tests.Metrics;

public class TorchDistanceKernelTests
{
    [Fact]
    public void Torch_kernel_agrees_with_the_cpu_kernel_on_knn_cluster_sums_assignment_and_pairs()
    {
        var rng = new Random(5);
        const int n = 900, dim = 7;
        var data = new double[n * dim];
        for (var i = 0; i < data.Length; i++) data[i] = Math.Round(rng.NextDouble() * 64) / 64;
        for (var c = 1; c < 6; c++) Array.Copy(data, 0, data, c * 131 * dim, dim); // exact duplicates → ties
        var points = new PointSet(data, n, dim);
        var labels = Enumerable.Range(0, n).Select(i => (i * 7) % 5).ToArray();
        var centres = new PointSet(data[..(4 * dim)], 4, dim);
        var cpu = new CpuDistanceKernel();
        var torchKernel = new TorchDistanceKernel();

        var expectedKnn = cpu.NearestNeighbors(points, 12);
        var knn = torchKernel.NearestNeighbors(points, 12);
        Assert.Equal(expectedKnn.Indices, knn.Indices);
        Assert.Equal(expectedKnn.Distances, knn.Distances);

        var expectedSums = cpu.ClusterDistanceSums(points, labels, 5);
        var sums = torchKernel.ClusterDistanceSums(points, labels, 5);
        for (var i = 0; i < sums.Length; i++) Assert.True(Math.Abs(expectedSums[i] - sums[i]) <= 1e-12 * Math.Max(1, expectedSums[i]), $"sum {i}");

        int[] expectedLabels = new int[n], gotLabels = new int[n];
        double[] expectedD2 = new double[n], gotD2 = new double[n];
        cpu.AssignNearest(points, centres, expectedLabels, expectedD2);
        torchKernel.AssignNearest(points, centres, gotLabels, gotD2);
        Assert.Equal(expectedLabels, gotLabels);
        for (var i = 0; i < n; i++) Assert.Equal(expectedD2[i], gotD2[i], 12);

        Assert.Equal(cpu.PairsWithin(points, 0.3, 100_000), torchKernel.PairsWithin(points, 0.3, 100_000));
        Assert.StartsWith("torch-", torchKernel.Name);
    }
}
