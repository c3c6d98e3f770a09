using HardSamples.Orchestrator;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddHardSamplesWorkflow(builder.Configuration);
builder.Build().Run();
