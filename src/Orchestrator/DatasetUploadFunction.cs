using Azure.Storage.Blobs;
using HardSamples.Shared.Configuration;
using HardSamples.Shared.Storage;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Steps;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace HardSamples.Orchestrator;

/// <summary>
/// Starts one run per upload to container <c>datasets</c> (Event Grid source, as Flex Consumption requires). The run id
/// is derived from the blob name and ETag (<see cref="RunIds.ForUpload"/>), so repeated deliveries of one upload start
/// one run and a new upload of the same name starts another. The run uses the request defaults.
/// </summary>
public sealed class DatasetUploadFunction(IArtifactStore store, IRunStatusStore status, IJobLauncher launcher, ILogger<DatasetUploadFunction> log)
{
    /// <summary>The trigger.</summary>
    [Function(OrchestratorSettings.DatasetUploadFunctionName)]
    public Task Run(
        [BlobTrigger("datasets/{name}", Source = BlobTriggerSource.EventGrid, Connection = SettingNames.StorageConnection)] BlobClient blob,
        string name, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
        => StartForUploadAsync(blob, name, new RunClient(client, store, status, launcher), cancellationToken);

    /// <summary>Starts the run of one upload unless it was started already; returns its run id (null when skipped).</summary>
    public async Task<string?> StartForUploadAsync(BlobClient blob, string name, RunClient runs, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name) || name.EndsWith('/'))
        {
            log.LogInformation("Ignoring '{Name}': not a dataset blob.", name);
            return null;
        }
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        var etag = properties.ETag.ToString();
        var runId = RunIds.ForUpload(name, etag);
        var request = new RunRequest { RunId = runId, Dataset = DatasetReference.BlobPrefix + name, DatasetETag = etag };
        try
        {
            await runs.StartAsync(request, cancellationToken);
            log.LogInformation("Upload '{Name}' (ETag {ETag}) started run {RunId}.", name, etag, runId);
            return runId;
        }
        catch (RunConflictException)
        {
            log.LogInformation("Upload '{Name}' (ETag {ETag}) already has run {RunId}; nothing to do.", name, etag, runId);
            return null;
        }
    }
}
