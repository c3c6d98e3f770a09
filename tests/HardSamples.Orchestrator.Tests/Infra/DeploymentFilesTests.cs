using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HardSamples.TestSupport;

namespace HardSamples.Orchestrator.Tests.Infra;

/// <summary>azd, parameter, Dockerfile and hook files agree with the template and the projects.</summary>
public sealed class DeploymentFilesTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private static string Repo(params string[] parts) => Path.Combine([RepoPaths.RepoRoot, .. parts]);

    [Fact]
    public void ParametersFile_NamesOnlyTemplateParametersAndEveryRequiredOne()
    {
        var file = JsonNode.Parse(File.ReadAllText(Repo("infra", "bicep", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = template.Json["parameters"]!.AsObject();
        foreach (var (name, _) in file)
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare.");
        foreach (var (name, parameter) in declared.Where(p => p.Value!["defaultValue"] is null))
            Assert.True(file.ContainsKey(name), $"main.bicep requires '{name}' but main.parameters.json does not set it.");
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]!["value"]);
    }

    [Fact]
    public void AzureYaml_PointsAtTheBicepAndTheFunctionsProject()
    {
        var yaml = File.ReadAllText(Repo("azure.yaml"));
        Assert.Matches(@"(?m)^\s+path:\s*infra/bicep\s*$", yaml);
        Assert.Matches(@"(?m)^\s+module:\s*main\s*$", yaml);
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", yaml);
        var project = Regex.Match(yaml, @"(?m)^\s+project:\s*(\S+)\s*$").Groups[1].Value;
        Assert.True(File.Exists(Path.Combine(Repo(project), "HardSamples.Orchestrator.csproj")), $"azure.yaml project '{project}' is not the Functions app.");

        // The service name matches the azd tag on the function app.
        var service = Regex.Match(yaml, @"(?m)^services:\s*\n\s+(\S+):").Groups[1].Value;
        Assert.Equal(service, template.Literal(template.Module("functions")["properties"]!["parameters"]!["azdServiceName"]!["value"]));
        foreach (Match hook in Regex.Matches(yaml, @"(?m)^\s+run:\s*(\S+)\s*$"))
            Assert.True(File.Exists(Repo(hook.Groups[1].Value)), $"azure.yaml hook '{hook.Groups[1].Value}' does not exist.");
    }

    [Fact]
    public void BlobTriggerFunctionName_DefaultIsTheDeployedParameter()
    {
        var parameter = template.Json["parameters"]!["blobTriggerFunctionName"]!;
        Assert.Equal(OrchestratorSettings.DatasetUploadFunctionName, (string?)parameter["defaultValue"]);
    }

    [Fact]
    public void Dockerfile_BuildsTheCudaRunnerAsNonRoot()
    {
        var dockerfile = File.ReadAllText(Repo("src", "GpuRunner", "Dockerfile"));
        var stages = Regex.Matches(dockerfile, @"(?m)^FROM\s+(\S+)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, stages.Length);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0]);
        Assert.Matches(@"^nvidia/cuda:12\.8[\d.]*-runtime-ubuntu", stages[1]);
        Assert.Contains("-p:TorchBackend=cuda", dockerfile);
        Assert.Matches(@"(?m)^USER\s+(?!root\b|0\b)\S+", dockerfile);
        Assert.Matches(@"(?m)^ENTRYPOINT\s+\[""/app/HardSamples\.GpuRunner""\]", dockerfile);

        var csproj = File.ReadAllText(Repo("src", "GpuRunner", "HardSamples.GpuRunner.csproj"));
        Assert.Matches(@"libtorch-cuda-12\.8-linux-x64""\s+Condition=""'\$\(TorchBackend\)' == 'cuda'""", csproj);
        var packages = File.ReadAllText(Repo("Directory.Packages.props"));
        Assert.Contains("Include=\"libtorch-cuda-12.8-linux-x64\"", packages);
    }
}
