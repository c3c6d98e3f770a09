using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Steps;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Workflow;

/// <summary>Options of <see cref="WorkflowServices.AddRunWorkflowServices"/>.</summary>
public sealed record WorkflowServiceOptions
{
    /// <summary>The runs table.</summary>
    public string RunsTable { get; init; } = RunStatusStore.TableName;

    /// <summary>The per-sample table.</summary>
    public string SamplesTable { get; init; } = SampleRows.TableName;

    /// <summary>Accept local file and folder paths as datasets (the CLI; never the HTTP API).</summary>
    public bool AllowLocalDatasetPaths { get; init; }

    /// <summary>Cores for metric kernels (null = all).</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Where remote runners report completion (null = they do not; the status poll finds them).</summary>
    public JobCallbackOptions Callbacks { get; init; } = new();
}

/// <summary>Registers the real steps of the workflow on given stores (the host adds an <see cref="IJobLauncher"/>).</summary>
public static class WorkflowServices
{
    /// <summary>Adds the stores, the status store, the dataset catalog and the real dataset, metric and results steps.</summary>
    public static IServiceCollection AddRunWorkflowServices(this IServiceCollection services, IArtifactStore runs, IArtifactStore? datasets,
        ITableStore tables, WorkflowServiceOptions? options = null)
    {
        options ??= new WorkflowServiceOptions();
        services.AddSingleton(options);
        services.AddSingleton(runs);
        services.AddSingleton(tables);
        services.AddSingleton(options.Callbacks);
        services.AddSingleton<IRunStatusStore>(new RunStatusStore(runs, tables, options.RunsTable));
        services.AddSingleton<IDatasetCatalog>(new DatasetCatalog(datasets, options.AllowLocalDatasetPaths));
        services.AddSingleton<IDatasetStep>(new DatasetStep(runs, datasets));
        services.AddSingleton<IMetricStep>(new MetricStep(runs, options.MaxDegreeOfParallelism));
        services.AddSingleton<IResultsStep>(new ResultsStep(runs, tables, options.SamplesTable));
        return services;
    }
}
