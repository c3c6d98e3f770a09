using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Tests.Storage;

public sealed class TableValidationTests
{
    [Theory]
    [InlineData("Runs")]
    [InlineData("abc")]
    [InlineData("Samples2025")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc")]
    public void Valid_table_names_pass(string name) => Assert.Equal(name, TableValidation.ValidateTableName(name));

    [Theory]
    [InlineData("ab")]
    [InlineData("9lives")]
    [InlineData("has_underscore")]
    [InlineData("Tables")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd")]
    public void Invalid_table_names_fail(string name) => Assert.Throws<ArgumentException>(() => TableValidation.ValidateTableName(name));

    [Fact]
    public void Keys_may_hold_anything_but_the_forbidden_characters()
    {
        Assert.Equal("run 1: épreuve-(a,b)", TableValidation.ValidateKey("run 1: épreuve-(a,b)"));
        Assert.Equal("", TableValidation.ValidateKey(""));
        var e = Assert.Throws<ArgumentException>(() => TableValidation.ValidateKey("x#y", "row key"));
        Assert.Contains("row key", e.Message);
    }

    [Fact]
    public void Property_rules_follow_azure()
    {
        Assert.Throws<ArgumentException>(() => TableValidation.ValidatePropertyName("Timestamp"));
        Assert.Throws<ArgumentException>(() => TableValidation.ValidatePropertyName("has space"));
        Assert.Throws<ArgumentException>(() => TableValidation.ValidatePropertyName(new string('p', 256)));
        Assert.Equal("_ok9", TableValidation.ValidatePropertyName("_ok9"));

        var tooMany = Enumerable.Range(0, 253).ToDictionary(i => $"P{i}", i => (object?)i);
        Assert.Contains("253 properties", Assert.Throws<ArgumentException>(() => TableValidation.ValidateRow(new TableRow("p", "r", tooMany))).Message);
        var bigBinary = new Dictionary<string, object?> { ["B"] = new byte[64 * 1024 + 1] };
        Assert.Throws<ArgumentException>(() => TableValidation.ValidateRow(new TableRow("p", "r", bigBinary)));
    }

    [Fact]
    public void Entity_size_follows_the_documented_formula_and_is_capped_at_1_MiB()
    {
        var row = new TableRow("pk", "rk1", new Dictionary<string, object?> { ["S"] = "abc", ["I"] = 1, ["L"] = 2L, ["G"] = Guid.Empty, ["B"] = new byte[] { 1, 2 }, ["F"] = true, ["N"] = null });
        // 4 + 2·2 + 2·3 + (8+2+4+6) + (8+2+4) + (8+2+8) + (8+2+16) + (8+2+4+2) + (8+2+1)
        Assert.Equal(4 + 4 + 6 + 20 + 14 + 18 + 26 + 16 + 11, TableValidation.EntitySize(row));

        var huge = Enumerable.Range(0, 20).ToDictionary(i => $"S{i}", _ => (object?)new string('x', 30_000));
        var e = Assert.Throws<ArgumentException>(() => TableValidation.ValidateRow(new TableRow("p", "r", huge)));
        Assert.Contains("entity-size", e.Message);
    }
}
