using System.Text.Json.Nodes;
using HardSamples.TestSupport;

namespace HardSamples.Orchestrator.Tests.Infra;

/// <summary>Builds and lints infra/bicep/main.bicep once for the test class; exposes the ARM JSON.</summary>
public sealed class CompiledTemplate
{
    public CompiledTemplate()
    {
        MainBicep = System.IO.Path.Combine(RepoPaths.RepoRoot, "infra", "bicep", "main.bicep");
        Build = BicepCli.Run("build", MainBicep, "--stdout");
        Lint = BicepCli.Run("lint", MainBicep);
        Json = Build.ExitCode == 0 ? JsonNode.Parse(Build.StdOut)!.AsObject() : new JsonObject();
    }

    public string MainBicep { get; }
    public BicepResult Build { get; }
    public BicepResult Lint { get; }
    public JsonObject Json { get; }

    /// <summary>Resources of a template (array, or object in language version 2).</summary>
    public static IEnumerable<JsonObject> Resources(JsonNode template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>The nested deployment (module) of the given name.</summary>
    public JsonObject Module(string name) =>
        Resources(Json).SingleOrDefault(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name)
        ?? throw new InvalidOperationException($"main.bicep has no module deployment named '{name}'.");

    /// <summary>The single resource of a type inside a module's template.</summary>
    public JsonObject ModuleResource(string module, string type) =>
        Resources(Module(module)["properties"]!["template"]!).Single(r => (string?)r["type"] == type);

    /// <summary>A literal string value, following a top-level <c>[variables('x')]</c> reference of main.bicep.</summary>
    public string? Literal(JsonNode? value)
    {
        var text = (string?)value;
        var match = System.Text.RegularExpressions.Regex.Match(text ?? "", @"^\[variables\('(\w+)'\)\]$");
        return match.Success ? (string?)Json["variables"]?[match.Groups[1].Value] : text;
    }

    /// <summary>Names of a literal array of <c>{ name, value }</c> objects.</summary>
    public static IReadOnlyList<string> Names(JsonNode? array) =>
        (array as JsonArray ?? throw new InvalidOperationException($"Expected a literal array, got: {array?.ToJsonString()}"))
            .Select(item => (string?)item?["name"] ?? throw new InvalidOperationException($"Setting without a literal name: {item?.ToJsonString()}"))
            .ToArray();
}
