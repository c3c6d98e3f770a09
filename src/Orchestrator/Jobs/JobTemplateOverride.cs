using System.Text.Json.Nodes;
using HardSamples.Shared.Contracts;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>
/// Builds the <c>JobExecutionTemplate</c> body of <c>jobs/{job}/start</c>. An override replaces the job's
/// containers for that execution, so each container is copied from the job's own template (image, command,
/// args, resources, env) and the runner container gets the spec and job key on top of its env.
/// </summary>
internal static class JobTemplateOverride
{
    // Fields JobExecutionContainer accepts (probes, volume mounts etc. are not part of an override).
    private static readonly string[] ContainerFields = ["image", "name", "command", "args", "env", "resources"];

    public static JsonObject Build(JsonNode? job, string? containerName, string jobKey, string encodedSpec, string jobName)
    {
        var containers = job?["properties"]?["template"]?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0)
            throw new ContainerAppsJobException($"Job '{jobName}' has no containers in its template.");
        var targetName = containerName ?? containers[0]?["name"]?.GetValue<string>();
        var copies = new JsonArray();
        var found = false;
        foreach (var container in containers)
        {
            var copy = CopyContainer(container);
            if (copy["name"]?.GetValue<string>() == targetName)
            {
                found = true;
                var env = (copy["env"] as JsonArray) ?? [];
                var kept = env.Where(e => e?["name"]?.GetValue<string>() is not (JobEnvironment.SpecVariable or JobEnvironment.JobKeyVariable))
                    .Select(e => e!.DeepClone()).ToList();
                kept.Add(new JsonObject { ["name"] = JobEnvironment.SpecVariable, ["value"] = encodedSpec });
                kept.Add(new JsonObject { ["name"] = JobEnvironment.JobKeyVariable, ["value"] = jobKey });
                copy["env"] = new JsonArray([.. kept]);
            }
            copies.Add(copy);
        }
        if (!found)
            throw new ContainerAppsJobException($"Job '{jobName}' has no container named '{targetName}' (ContainerAppsJob__ContainerName).");

        var body = new JsonObject { ["containers"] = copies };
        if (job?["properties"]?["template"]?["initContainers"] is JsonArray { Count: > 0 } init)
            body["initContainers"] = new JsonArray([.. init.Select(CopyContainer)]);
        return body;
    }

    /// <summary>True when an execution template sets <see cref="JobEnvironment.JobKeyVariable"/> to <paramref name="jobKey"/>.</summary>
    public static bool CarriesKey(JsonNode? template, string jobKey)
        => (template?["containers"] as JsonArray ?? [])
            .SelectMany(c => c?["env"] as JsonArray ?? [])
            .Any(e => e?["name"]?.GetValue<string>() == JobEnvironment.JobKeyVariable && e?["value"]?.GetValue<string>() == jobKey);

    private static JsonObject CopyContainer(JsonNode? container)
    {
        var copy = new JsonObject();
        foreach (var field in ContainerFields)
        {
            if (container?[field] is { } value) copy[field] = value.DeepClone();
        }
        return copy;
    }
}
