using HardSamples.GpuRunner.Probes;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Tests.Probes;

public sealed class TrainingPiecesTests
{
    [Fact]
    public void EpochPermutationsArePermutationsFixedBySeedEpochAndStream()
    {
        var p = EpochPermutation.Create(91, 3, 1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), p.Order());
        Assert.Equal(p, EpochPermutation.Create(91, 3, 1000));
        Assert.NotEqual(p, EpochPermutation.Create(91, 4, 1000));
        Assert.NotEqual(p, EpochPermutation.Create(92, 3, 1000));
        Assert.NotEqual(p, EpochPermutation.Create(91, 3, 1000, stream: 1));
        Assert.Empty(EpochPermutation.Create(1, 0, 0));
    }

    [Fact]
    public void EvaluationPointsFollowTheSeedLogSteps()
    {
        Assert.Equal([0, 58, 116, 174, 232], SsftProbe.EvaluationPoints(235, 5));
        Assert.Equal([0, 1, 2, 3, 4], SsftProbe.EvaluationPoints(4, 5)); // tiny split: the last one after the final batch
        Assert.Equal([0], SsftProbe.EvaluationPoints(10, 1));
    }

    [Theory]
    [InlineData(1, 5, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(2, 5, new[] { 1, 3, 4 })]
    [InlineData(0, 5, new int[0])]
    public void TheRecordScheduleKeepsTheLastEpoch(int every, int epochs, int[] expected) =>
        Assert.Equal(expected, Enumerable.Range(0, epochs).Where(e => ProbeSchedule.IsDue(e, every, epochs)));

    [Fact]
    public void JobSpecsRoundTripThroughJson()
    {
        var spec = new JobSpec
        {
            RunId = "r", JobId = "ssft-ab", Probe = ProbeKind.Ssft, DatasetPrefix = "r/data/", Split = "A", SecondSplit = "B",
            OutputPrefix = "r/probes/ssft-ab/", Device = ComputeDevice.Auto, Settings = ProbeDefaults.For(ProbeKind.Ssft),
        };
        var json = ContractJson.Serialize(spec);
        Assert.Contains("\"probe\": \"Ssft\"", json);
        var back = ContractJson.ParseSpec(json);
        Assert.Equal(spec with { Settings = back.Settings }, back);
        Assert.Equal(128, back.Settings.BatchSize);
        Assert.Throws<InvalidDataException>(() => ContractJson.ParseSpec("{\"runId\":\"r\"}"));
        Assert.Throws<InvalidDataException>(() => ContractJson.ParseSpec(json.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 9")));
    }
}
