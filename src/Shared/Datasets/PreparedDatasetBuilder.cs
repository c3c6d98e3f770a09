using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets.Splits;

namespace HardSamples.Shared.Datasets;

/// <summary>Everything that shapes a prepared dataset besides its source.</summary>
/// <param name="Corruption">What to inject (seeded).</param>
/// <param name="Splits">How to split.</param>
/// <param name="Normalization">Constants to apply, or <see cref="Normalization.MeasureOnData"/>; null = <see cref="Normalization.Mnist"/> for one channel, measured on the data otherwise.</param>
public sealed record PrepareOptions(CorruptionSettings Corruption, SplitSettings Splits, Normalization? Normalization = null)
{
    /// <summary>The seed's settings: 10% mixtures, 0.1% flips, 1% near-duplicates, seed 91, one shard.</summary>
    public static PrepareOptions Default { get; } = new(new CorruptionSettings(), new SplitSettings());
}

/// <summary>
/// Turns a <see cref="SourceDataset"/> into a <see cref="PreparedDataset"/>:
/// 1. mixtures and ordering per <see cref="ArtificialMixtures.Plan"/> (the seed's layout, bit for bit);
/// 2. normalisation of every image ((x/255 − mean)/std in float32; mixtures = (x₁+x₂)/1.58 of normalised images);
/// 3. near-duplicates of clean samples appended at the end (stream <see cref="RandomStreams.NearDuplicates"/>);
/// 4. label flips among the remaining clean samples (stream <see cref="RandomStreams.LabelFlips"/>); a mixture takes the label of its first source;
/// 5. splits over the observed labels.
/// Each sample carries exactly one injected kind.
/// </summary>
public static class PreparedDatasetBuilder
{
    /// <summary>Builds the dataset in memory; throws <see cref="ArgumentException"/> for impossible settings.</summary>
    public static PreparedDataset Build(SourceDataset source, PrepareOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var corruption = options.Corruption;
        corruption.Validate();
        options.Splits.Validate();
        if (corruption.FlipRate > 0 && source.Labels is null)
            throw new ArgumentException($"{source.Description}: label flips need labels; the dataset is unlabeled (use a flip rate of 0).");
        var requested = options.Normalization ?? (source.Channels == 1 ? Normalization.Mnist : Normalization.MeasureOnData);
        var norm = (requested.IsMeasureRequest ? Normalization.FromData(source) : requested).ForChannels(source.Channels);

        var n = source.Count;
        var plan = ArtificialMixtures.Plan(n, corruption.MixRate, corruption.Seed);
        var dupCount = (int)Math.Round(corruption.DuplicateRate * n, MidpointRounding.AwayFromZero);
        var flipCount = (int)Math.Round(corruption.FlipRate * n, MidpointRounding.AwayFromZero);
        var total = plan.Count + dupCount;
        var size = source.ImageSize;
        var samples = new float[(long)total * size];
        var injected = new int[total];
        var partner = new int[total];
        var sourceIndex = new int[total];
        var sourceName = new string[total];

        FillBase(source, plan, norm, samples);
        for (var p = 0; p < plan.Count; p++)
        {
            sourceIndex[p] = plan.Order[p];
            partner[p] = plan.Partner[p];
            if (plan.IsMixture(p))
            {
                injected[p] = (int)InjectedKind.Mixture;
                sourceName[p] = source.SampleName(plan.Order[p]) + "+" + source.SampleName(plan.Partner[p]);
            }
            else
            {
                sourceName[p] = source.SampleName(plan.Order[p]);
            }
        }

        var clean = Enumerable.Range(0, plan.Count).Where(p => !plan.IsMixture(p)).ToArray();
        var dups = NearDuplicates.Plan(clean, dupCount, corruption.DuplicateMaxShift, RandomStreams.Create(corruption.Seed, RandomStreams.NearDuplicates));
        var dupRng = RandomStreams.Create(corruption.Seed, RandomStreams.NearDuplicateNoise);
        var unit = new float[size];
        var rendered = new float[size];
        for (var d = 0; d < dups.Count; d++)
        {
            var position = plan.Count + d;
            var original = dups[d].Original;
            source.ReadUnit(plan.Order[original], unit);
            NearDuplicates.Render(unit, rendered, source.Channels, source.Height, source.Width, dups[d], corruption.DuplicateNoiseStd, dupRng);
            norm.Apply(rendered, source.Channels);
            rendered.CopyTo(samples.AsSpan(position * size, size));
            injected[position] = (int)InjectedKind.NearDuplicate;
            partner[position] = original;
            sourceIndex[position] = plan.Order[original];
            sourceName[position] = source.SampleName(plan.Order[original]);
        }

        int[]? labels = null, labelsClean = null;
        if (source.Labels is { } srcLabels)
        {
            labelsClean = new int[total];
            for (var p = 0; p < total; p++) labelsClean[p] = srcLabels[sourceIndex[p]];
            labels = (int[])labelsClean.Clone();
            var partners = new HashSet<int>(dups.Select(d => d.Original));
            var eligible = clean.Where(p => !partners.Contains(p)).ToArray();
            var flips = LabelFlips.Plan(labelsClean, eligible, flipCount, source.ClassCount, RandomStreams.Create(corruption.Seed, RandomStreams.LabelFlips));
            foreach (var f in flips)
            {
                labels[f.Position] = f.To;
                injected[f.Position] = (int)InjectedKind.LabelFlip;
            }
        }

        var splits = SplitBuilder.Build(total, labels, options.Splits);
        var counts = Enum.GetValues<InjectedKind>().ToDictionary(k => k.Name(), k => injected.Count(v => v == (int)k));
        var manifest = new PreparedManifest
        {
            Count = total,
            Channels = source.Channels,
            Height = source.Height,
            Width = source.Width,
            ClassCount = source.ClassCount,
            HasLabels = labels is not null,
            ClassNames = source.ClassNames,
            Normalization = norm,
            Fingerprint = "",
            Source = new PreparedSource(source.Kind, source.Description, n, source.PixelType.ToString()),
            Corruption = corruption,
            InjectedCounts = counts,
            SplitSettings = options.Splits with { Stratified = options.Splits.Stratified && labels is not null },
            Splits = splits.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray(),
            Files = [],
        };
        return new PreparedDataset(manifest, new NdArray<float>(samples, total, source.Channels, source.Height, source.Width),
            labels, labelsClean, injected, partner, sourceIndex, sourceName, splits);
    }

    /// <summary>Writes the normalised images of positions [0, plan.Count) (mixtures included) in parallel.</summary>
    private static void FillBase(SourceDataset source, MixturePlan plan, Normalization norm, float[] samples)
    {
        var size = source.ImageSize;
        var channels = source.Channels;
        var plane = source.Height * source.Width;
        var lut = source.Bytes is not null ? norm.ByteLookup(channels) : null;
        void NormalizeInto(int index, Span<float> dst)
        {
            if (lut is not null)
            {
                var src = source.Bytes.AsSpan(index * size, size);
                for (var c = 0; c < channels; c++)
                {
                    var table = lut[c];
                    var s = src.Slice(c * plane, plane);
                    var d = dst.Slice(c * plane, plane);
                    for (var i = 0; i < plane; i++) d[i] = table[s[i]];
                }
            }
            else
            {
                source.ReadUnit(index, dst);
                norm.Apply(dst, channels);
            }
        }
        Parallel.For(0, (plan.Count + 255) / 256, () => new float[size], (block, _, second) =>
        {
            var end = Math.Min(plan.Count, (block + 1) * 256);
            for (var p = block * 256; p < end; p++)
            {
                var dst = samples.AsSpan(p * size, size);
                NormalizeInto(plan.Order[p], dst);
                if (plan.IsMixture(p))
                {
                    NormalizeInto(plan.Partner[p], second);
                    ArtificialMixtures.Mix(dst, second, dst);
                }
            }
            return second;
        }, _ => { });
    }
}
