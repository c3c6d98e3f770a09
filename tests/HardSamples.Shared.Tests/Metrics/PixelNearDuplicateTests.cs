using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Metrics.Extended;

namespace HardSamples.Shared.Tests.Metrics;

public sealed class PixelNearDuplicateTests
{
    private static float[] Blobs(int count, int size, int seed)
    {
        // Distinct random images: every pair far apart.
        var random = new Random(seed);
        var images = new float[count * size * size];
        for (var i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
        return images;
    }

    [Fact]
    public void The_injected_near_duplicates_of_the_bundled_sample_are_found_with_their_originals()
    {
        // The real corruption of the default run: 100 copies of MNIST digits, shifted by up to one pixel, noise σ 0.02.
        var prepared = PreparedDatasetBuilder.Build(DatasetResolver.Read(DatasetResolver.MnistSampleAlias), PrepareOptions.Default);
        var s = prepared.Samples;

        var found = PixelNearDuplicates.Find(s.Data, s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3), new PixelNearDuplicateOptions());

        var injected = Enumerable.Range(0, prepared.Count).Where(i => prepared.KindOf(i) == InjectedKind.NearDuplicate).ToArray();
        Assert.Equal(100, injected.Length);
        var truePairs = injected.Select(i => (Math.Min(i, prepared.Partner[i]), Math.Max(i, prepared.Partner[i]))).ToHashSet();
        var foundPairs = found.Pairs.Select(p => (p.First, p.Second)).ToHashSet();
        var recalled = truePairs.Count(foundPairs.Contains);
        Assert.True(recalled >= 98, $"recall {recalled}/100");
        // Other pairs found must be genuine near copies in MNIST itself, not a loose threshold: at most a handful.
        Assert.True(foundPairs.Count - recalled <= 10, $"{foundPairs.Count - recalled} extra pairs");
        // The per-sample score ranks every injected copy among the most redundant samples.
        var order = found.NearestDistance.Select((d, i) => (d, i)).OrderBy(t => t.d).Take(250).Select(t => t.i).ToHashSet();
        Assert.True(injected.Count(order.Contains) >= 98);
    }

    [Fact]
    public void A_shifted_noisy_copy_is_paired_and_distinct_images_are_not()
    {
        const int n = 40, size = 12;
        var images = Blobs(n, size, 5);
        var random = new Random(9);
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                images[(7 * size + y) * size + x] = (y + 1 < size ? images[(3 * size + y + 1) * size + x] : 0f) + (float)(random.NextDouble() - 0.5) * 0.02f;

        var found = PixelNearDuplicates.Find(images, n, 1, size, size, new PixelNearDuplicateOptions());

        Assert.Equal([(3, 7)], found.Pairs.Select(p => (p.First, p.Second)));
        Assert.True(found.NearestDistance[7] < 0.02);
        // Without shift tolerance the same copy is no longer a near duplicate.
        var strict = PixelNearDuplicates.Find(images, n, 1, size, size, new PixelNearDuplicateOptions(MaxShift: 0));
        Assert.Empty(strict.Pairs);
    }

    [Fact]
    public void Shift_tolerant_distance_is_zero_for_an_exact_shift_and_symmetric()
    {
        var a = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var b = new float[] { 2, 3, 0, 5, 6, 0, 8, 9, 0 }; // a shifted one pixel left
        Assert.Equal(0, PixelNearDuplicates.ShiftTolerantDistance(a, b, 1, 3, 3, 1), 12);
        Assert.Equal(0, PixelNearDuplicates.ShiftTolerantDistance(b, a, 1, 3, 3, 1), 12);
        Assert.True(PixelNearDuplicates.ShiftTolerantDistance(a, b, 1, 3, 3, 0) > 1);
    }

    [Fact]
    public void Bad_input_is_rejected_with_the_problem_named()
    {
        var images = Blobs(3, 4, 1);
        Assert.Contains("do not make", Assert.Throws<ArgumentException>(() => PixelNearDuplicates.Find(images, 4, 1, 4, 4, new())).Message);
        images[20] = float.NaN;
        Assert.Contains("Image 1", Assert.Throws<InvalidDataException>(() => PixelNearDuplicates.Find(images, 3, 1, 4, 4, new())).Message);
        Assert.Throws<ArgumentException>(() => PixelNearDuplicates.Find(Blobs(3, 4, 1), 3, 1, 4, 4, new(Candidates: 0)));
        Assert.Empty(PixelNearDuplicates.Find([], 0, 1, 4, 4, new()).Pairs);
        Assert.Empty(PixelNearDuplicates.Find(Blobs(1, 4, 1), 1, 1, 4, 4, new()).Pairs);
    }
}
