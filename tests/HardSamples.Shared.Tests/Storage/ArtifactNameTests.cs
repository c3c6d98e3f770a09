using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Tests.Storage;

public sealed class ArtifactNameTests
{
    [Theory]
    [InlineData("")]
    [InlineData("runs/")]
    [InlineData("runs/ab")]
    [InlineData("runs/abc.")]
    [InlineData("a/b/c")]
    public void Valid_prefixes_pass(string prefix) => Assert.Equal(prefix, ArtifactName.ValidatePrefix(prefix));

    [Theory]
    [InlineData("/")]
    [InlineData("../")]
    [InlineData("a/../b")]
    [InlineData("a//")]
    [InlineData("a./b")]
    [InlineData("x\u0007")]
    public void Invalid_prefixes_fail(string prefix) => Assert.Throws<ArgumentException>(() => ArtifactName.ValidatePrefix(prefix));

    [Fact]
    public void Combine_joins_and_validates()
    {
        Assert.Equal("r1/results/metrics.csv", ArtifactName.Combine("r1/", "/results", "metrics.csv"));
        Assert.Throws<ArgumentException>(() => ArtifactName.Combine("r1", "..", "x"));
    }
}
