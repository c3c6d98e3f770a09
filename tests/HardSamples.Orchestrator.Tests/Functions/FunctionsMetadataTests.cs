using HardSamples.Orchestrator.Api;

namespace HardSamples.Orchestrator.Tests.Functions;

/// <summary>
/// "Missing function key → 401" as far as it can be checked without the Functions host (no Core Tools here): the host
/// enforces keys from the generated <c>functions.metadata</c>, so every HTTP trigger there must be Function or Admin
/// level (the health probe alone is anonymous), and the metadata must list exactly the HTTP functions of the code.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject> Metadata()
    {
        Assert.True(File.Exists(HttpFunctionInventory.MetadataPath), $"No generated functions.metadata at {HttpFunctionInventory.MetadataPath}; build tests/HardSamples.Orchestrator.Tests.");
        return HttpFunctionInventory.LoadMetadata(File.ReadAllText(HttpFunctionInventory.MetadataPath));
    }

    [Fact]
    public void Every_http_trigger_in_the_generated_metadata_requires_a_key()
    {
        var http = HttpFunctionInventory.FromMetadata(Metadata());
        Assert.True(http.Count >= 6, $"Only {http.Count} HTTP functions in functions.metadata.");
        Assert.Empty(HttpFunctionInventory.KeyPolicyViolations(http));
        Assert.DoesNotContain(http, f => f.AuthLevel == "Anonymous" && f.Name != HealthFunction.FunctionName);

        // The run endpoints named in the issue, the runner's completion callback included, are keyed.
        var byRoute = http.ToDictionary(f => f.Route ?? "", f => f.AuthLevel);
        foreach (var route in new[] { "runs", "runs/{runId}", "runs/{runId}/samples/{sampleId}", "runs/{runId}/cancel", "runs/{runId}/jobs/{jobId}/complete" })
            Assert.True(byRoute.TryGetValue(route, out var level) && level == "Function", $"Route {route}: {(level ?? "absent")}");
    }

    [Fact]
    public void The_metadata_lists_exactly_the_http_functions_declared_in_code()
    {
        var fromMetadata = HttpFunctionInventory.FromMetadata(Metadata());
        var fromCode = HttpFunctionInventory.FromReflection();
        Assert.Equal(fromCode.Select(f => f.Name), fromMetadata.Select(f => f.Name));
        Assert.Equal(fromCode, fromMetadata); // entry point, auth level, route and methods too
        Assert.Empty(HttpFunctionInventory.KeyPolicyViolations(fromCode));
    }

    [Fact]
    public void The_metadata_is_that_of_the_build_under_test()
    {
        var metadata = Metadata();
        Assert.Equal(HttpFunctionInventory.AllFunctionNamesFromReflection().Order(StringComparer.Ordinal), metadata.Keys.Order(StringComparer.Ordinal));
        var assemblyFile = Path.GetFileName(HttpFunctionInventory.Assembly.Location);
        Assert.All(metadata.Values, f => Assert.Equal(assemblyFile, Path.GetFileName((string?)f["scriptFile"])));
    }

    [Fact]
    public void The_policy_check_catches_an_anonymous_endpoint_and_a_missing_auth_level()
    {
        const string metadata = """
            [
              { "name": "Leaky", "entryPoint": "X.Leaky", "scriptFile": "HardSamples.Orchestrator.dll",
                "bindings": [ { "name": "req", "type": "httpTrigger", "direction": "In", "authLevel": "Anonymous", "methods": ["get"], "route": "leaky" } ] },
              { "name": "Unstated", "entryPoint": "X.Unstated", "scriptFile": "HardSamples.Orchestrator.dll",
                "bindings": [ { "name": "req", "type": "HttpTrigger", "direction": "In", "methods": ["post"] } ] },
              { "name": "Health", "entryPoint": "X.Health", "scriptFile": "HardSamples.Orchestrator.dll",
                "bindings": [ { "name": "req", "type": "httpTrigger", "direction": "In", "authLevel": "Anonymous", "methods": ["get", "post"] } ] },
              { "name": "Keyed", "entryPoint": "X.Keyed", "scriptFile": "HardSamples.Orchestrator.dll",
                "bindings": [ { "name": "req", "type": "httpTrigger", "direction": "In", "authLevel": "Admin", "methods": ["get"] } ] },
              { "name": "Blob", "entryPoint": "X.Blob", "scriptFile": "HardSamples.Orchestrator.dll",
                "bindings": [ { "name": "b", "type": "blobTrigger", "direction": "In" } ] }
            ]
            """;
        var http = HttpFunctionInventory.FromMetadata(HttpFunctionInventory.LoadMetadata(metadata));
        Assert.Equal(new[] { "Health", "Keyed", "Leaky", "Unstated" }, http.Select(f => f.Name));
        var violations = HttpFunctionInventory.KeyPolicyViolations(http);
        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Leaky ", StringComparison.Ordinal) && v.Contains("Anonymous"));
        Assert.Contains(violations, v => v.StartsWith("Unstated ", StringComparison.Ordinal) && v.Contains("(missing)"));
        Assert.Contains(violations, v => v.StartsWith("Health ", StringComparison.Ordinal)); // anonymous, but not GET only
    }

    [Fact]
    public void The_completion_callback_url_hits_the_keyed_completion_route()
    {
        var complete = HttpFunctionInventory.FromReflection().Single(f => f.EntryPoint == $"{typeof(RunsApi).FullName}.{nameof(RunsApi.CompleteJob)}");
        var callbacks = new Workflow.Jobs.JobCallbackOptions { BaseUrl = "https://func-x.azurewebsites.net", FunctionKey = "k/+=" };
        var url = new Uri(callbacks.For("run-1", "ae")!);
        Assert.Equal("/api/" + complete.Route!.Replace("{runId}", "run-1").Replace("{jobId}", "ae"), url.AbsolutePath);
        Assert.Equal("?code=k%2F%2B%3D", url.Query);
        Assert.Equal("Function", complete.AuthLevel);
        Assert.Equal("post", complete.Methods);
    }
}
