using HardSamples.Orchestrator.Jobs;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.TryAddContainerAppsJobLauncher(builder.Configuration);
builder.Build().Run();
