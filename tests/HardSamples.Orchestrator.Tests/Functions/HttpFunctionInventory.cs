using System.Reflection;
using System.Text.Json.Nodes;
using HardSamples.Orchestrator.Api;
using Microsoft.Azure.Functions.Worker;

namespace HardSamples.Orchestrator.Tests.Functions;

/// <summary>One HTTP-triggered function: name, entry point, auth level, route and methods (lower case, sorted).</summary>
public sealed record HttpFunction(string Name, string EntryPoint, string AuthLevel, string? Route, string Methods);

/// <summary>
/// The HTTP functions of the Functions app, from the two sources that must agree: the <c>functions.metadata</c> the
/// Worker SDK generated (what the Functions host reads and enforces keys from) and the <c>[Function]</c> methods
/// with an <c>[HttpTrigger]</c> parameter found by reflection on the Orchestrator assembly.
/// </summary>
public static class HttpFunctionInventory
{
    /// <summary>Auth levels at which the host demands a key.</summary>
    public static readonly IReadOnlySet<string> KeyedLevels = new HashSet<string>(StringComparer.Ordinal) { "Function", "Admin" };

    /// <summary>HTTP functions allowed to be anonymous: the liveness probe only.</summary>
    public static readonly IReadOnlySet<string> AnonymousAllowed = new HashSet<string>(StringComparer.Ordinal) { HealthFunction.FunctionName };

    /// <summary>
    /// The generated metadata of the Orchestrator build under test. The test project's build copies it from the
    /// resolved Orchestrator project reference's output to <c>orchestrator/functions.metadata</c> (target
    /// CopyOrchestratorFunctionsMetadata in the .csproj, which fails the build when it is missing), so this path
    /// holds in a clean clone built by scripts/test.sh and never points at another build's file.
    /// </summary>
    public static string MetadataPath => Path.Combine(AppContext.BaseDirectory, "orchestrator", "functions.metadata");

    /// <summary>The Orchestrator assembly under test.</summary>
    public static Assembly Assembly => typeof(RunsApi).Assembly;

    /// <summary>Every function of the metadata file (name → its JSON object).</summary>
    public static IReadOnlyDictionary<string, JsonObject> LoadMetadata(string json)
    {
        var functions = JsonNode.Parse(json) as JsonArray ?? throw new InvalidDataException("functions.metadata is not a JSON array.");
        return functions.Select(f => f as JsonObject ?? throw new InvalidDataException($"functions.metadata entry is not an object: {f?.ToJsonString()}"))
            .ToDictionary(f => (string?)f["name"] ?? throw new InvalidDataException($"functions.metadata entry without a name: {f.ToJsonString()}"), StringComparer.Ordinal);
    }

    /// <summary>The HTTP functions listed in metadata: every function with an <c>httpTrigger</c> binding.</summary>
    public static IReadOnlyList<HttpFunction> FromMetadata(IReadOnlyDictionary<string, JsonObject> functions) =>
        functions.Values.SelectMany(f => Bindings(f)
                .Where(b => string.Equals((string?)b["type"], "httpTrigger", StringComparison.OrdinalIgnoreCase))
                .Select(b => new HttpFunction(
                    (string)f["name"]!,
                    (string?)f["entryPoint"] ?? "",
                    (string?)b["authLevel"] ?? "(missing)",
                    (string?)b["route"],
                    Methods(b["methods"]?.AsArray().Select(m => (string?)m ?? "")))))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The HTTP functions declared in code.</summary>
    public static IReadOnlyList<HttpFunction> FromReflection() =>
        Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new HttpFunction(
                x.Function!.Name,
                $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}",
                x.Trigger!.AuthLevel.ToString(),
                x.Trigger.Route,
                Methods(x.Trigger.Methods)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Names of every <c>[Function]</c> method in code (all trigger kinds).</summary>
    public static IReadOnlySet<string> AllFunctionNamesFromReflection() =>
        Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Why each HTTP function breaks the key policy (empty when none does).</summary>
    public static IReadOnlyList<string> KeyPolicyViolations(IEnumerable<HttpFunction> functions) =>
        functions.Select(f => (f, Problem: AnonymousAllowed.Contains(f.Name)
                ? f.AuthLevel == "Anonymous" && f.Methods == "get" ? null : $"must be an anonymous GET (it is {f.AuthLevel} {f.Methods})"
                : KeyedLevels.Contains(f.AuthLevel) ? null : $"is {f.AuthLevel}: it must require a function key (Function or Admin)"))
            .Where(x => x.Problem is not null)
            .Select(x => $"{x.f.Name} ({x.f.EntryPoint}) {x.Problem}")
            .ToArray();

    private static IEnumerable<JsonObject> Bindings(JsonObject function) =>
        (function["bindings"] as JsonArray ?? throw new InvalidDataException($"Function {(string?)function["name"]} has no bindings array."))
            .Select(b => b as JsonObject ?? throw new InvalidDataException($"Binding of {(string?)function["name"]} is not an object."));

    private static string Methods(IEnumerable<string>? methods) =>
        string.Join(',', (methods ?? []).Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal));
}
