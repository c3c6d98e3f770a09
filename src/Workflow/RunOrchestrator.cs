using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Activities;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using Microsoft.DurableTask;

namespace HardSamples.Workflow;

/// <summary>
/// The durable workflow of one run (instance id = run id): prepare the dataset → fan out the probe jobs and wait
/// for each (completion event with a timeout, then a status poll; bounded restarts) → fan out the metric shards
/// (activities, or GpuRunner <c>metrics</c> jobs for heavy shards of large sets) → merge, correlate, rank,
/// publish per-sample rows, write the report. Every step is an activity with a retry policy; every activity is
/// idempotent, so a replay or a resumed run skips finished work. Custom status carries a <see cref="RunProgress"/>,
/// and the <c>Runs</c> table row is updated at every stage.
/// </summary>
public sealed class RunOrchestrator : TaskOrchestrator<RunRequest, RunSummary>
{
    /// <inheritdoc />
    public override async Task<RunSummary> RunAsync(TaskOrchestrationContext context, RunRequest request)
    {
        var run = new RunState(context, request);
        try
        {
            return await run.ExecuteAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = $"Stage '{run.Stage}' failed: {Describe(e)}";
            await run.ReportFailureAsync(error);
            throw new RunFailedException(error);
        }
    }

    /// <summary>The readable message of a failure, unwrapping activity failures.</summary>
    public static string Describe(Exception e) => e switch
    {
        TaskFailedException t => $"{t.TaskName} failed: {Describe(t.FailureDetails)}",
        _ => e.Message,
    };

    private static string Describe(TaskFailureDetails details)
    {
        var inner = details.InnerFailure is { } i ? $" ({Describe(i)})" : "";
        return $"{details.ErrorMessage}{inner}";
    }

    /// <summary>One execution of the orchestrator function (replayed deterministically).</summary>
    private sealed class RunState(TaskOrchestrationContext context, RunRequest request)
    {
        private readonly string _runId = context.InstanceId;
        private readonly TaskOptions _retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            Math.Max(1, request.Retry.MaxAttempts), Positive(request.Retry.FirstRetryInterval),
            Math.Max(1, request.Retry.BackoffCoefficient), Positive(request.Retry.MaxRetryInterval)));
        private readonly Dictionary<string, string> _jobStates = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _results = new(StringComparer.Ordinal);
        private DateTime _started;
        private double _progress;

        public string Stage { get; private set; } = RunStages.Prepare;

        public async Task<RunSummary> ExecuteAsync()
        {
            _started = context.CurrentUtcDateTime;

            // 1. Prepare the dataset.
            await EnterStageAsync(RunStages.Prepare, "preparing the dataset", dataset: request.Dataset);
            var data = await CallAsync<PreparedDatasetRef>(nameof(PrepareDatasetActivity), new PrepareDatasetInput(
                _runId, request.Dataset, request.DatasetETag, request.MaxSamples, request.Corruption, request.Seed, request.ShardSize, RunLayout.Data(_runId),
                request.TestFraction));
            if (data.TestCount > 0) _results[ProbeSamples.TestSplitRole] = ProbeSamples.TestSplitName(data);

            // 2. Probe jobs, all at once; each waits for its completion event or is caught by the status poll.
            var specs = JobPlanner.PlanProbes(_runId, request, data);
            await EnterStageAsync(RunStages.Probes, $"{specs.Count} probe jobs", datasetPrefix: data.Prefix);
            foreach (var spec in specs) _jobStates[spec.JobId] = "pending";
            var outcomes = await WhenAllAsync(specs.Select(RunJobAsync).ToList(), RunStages.Probes, "probe jobs");
            var failed = outcomes.Where(o => o.Status != JobStatus.Succeeded).ToList();
            if (failed.Count > 0)
            {
                await UpdateAsync(RunStatus.Running, outcomes);
                throw new RunFailedException(string.Join("; ", failed.Select(f =>
                    $"job '{f.JobId}' {f.Status.ToString().ToLowerInvariant()} after {f.Attempts} attempt(s): {f.Error}")));
            }
            var artifacts = new RunArtifacts(_runId, data, outcomes);
            await UpdateAsync(RunStatus.Running, outcomes);

            // 3. Metric shards: activities, or metric jobs for heavy shards of large sets.
            await EnterStageAsync(RunStages.Metrics, "planning metric shards");
            var plan = await CallAsync<MetricPlan>(nameof(PlanMetricsActivity), new MetricPlanInput(artifacts));
            var parts = await WhenAllAsync(plan.Shards.Select(s => ComputeShardAsync(artifacts, s)).ToList(), RunStages.Metrics, "metric shards");

            // 4. Fan in.
            await EnterStageAsync(RunStages.Merge, "merging the per-sample table");
            var merged = await CallAsync<MergedMetricsRef>(nameof(MergeMetricsActivity), new MergeMetricsInput(artifacts, plan, parts));
            _results["metrics.parquet"] = merged.ParquetName;
            _results["metrics.csv"] = merged.CsvName;

            await EnterStageAsync(RunStages.Correlate, "correlating metrics with the injected targets");
            var correlations = await CallAsync<CorrelationSummary>(nameof(CorrelateActivity), new CorrelateInput(artifacts, merged));
            _results["correlations.csv"] = correlations.CsvName;

            await EnterStageAsync(RunStages.Rank, "ranking samples");
            var ranking = await CallAsync<RankingRef>(nameof(RankActivity), new RankInput(artifacts, merged, correlations));
            _results["ranking.csv"] = ranking.CsvName;
            if (ranking.ParquetName is not null) _results["ranking.parquet"] = ranking.ParquetName;

            await EnterStageAsync(RunStages.Publish, "writing per-sample rows");
            var blocks = SampleRows.Blocks(data.Count, request.ShardSize);
            await WhenAllAsync(blocks.Select(b => CallAsync<PublishSamplesResult>(nameof(PublishSamplesActivity),
                new PublishSamplesInput(artifacts, ranking, merged, b.Block, b.Start, b.Count))).ToList(), RunStages.Publish, "sample blocks");

            await EnterStageAsync(RunStages.Report, "writing the report");
            var report = await CallAsync<ReportRef>(nameof(WriteReportActivity), new ReportInput(artifacts, merged, correlations, ranking));
            _results["report"] = report.IndexName;

            Stage = RunStages.Done;
            _progress = 1;
            var best = string.Join(", ", correlations.Best.Select(b => b.AucOriented is { } auc ? $"{b.Target}: {b.Metric} AUC {auc:0.000}" : $"{b.Target}: {b.Metric} |SRCC| {b.AbsSrcc:0.000}"));
            context.SetCustomStatus(new RunProgress(RunStages.Done, RunStages.IndexOf(RunStages.Done), 1, 1, 1, best, _jobStates));
            await CallAsync<bool>(nameof(UpdateRunStatusActivity), new RunStatusUpdate(
                _runId, RunStatus.Succeeded, RunStages.Done, 1, context.CurrentUtcDateTime, Message: best, Results: _results, Jobs: outcomes));
            return new RunSummary(_runId, RunStatus.Succeeded, data.Count, outcomes, _results, correlations.Best,
                new DateTimeOffset(_started, TimeSpan.Zero), new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), data.TestCount);
        }

        public async Task ReportFailureAsync(string error)
        {
            context.SetCustomStatus(new RunProgress(Stage, SafeIndex(Stage), _progress, 0, 0, error, _jobStates));
            try
            {
                await CallAsync<bool>(nameof(UpdateRunStatusActivity), new RunStatusUpdate(
                    _runId, RunStatus.Failed, Stage, _progress, context.CurrentUtcDateTime, Error: error, Results: _results));
            }
            catch (TaskFailedException)
            {
                // The status store itself is failing; the orchestration still fails with the original error.
            }
        }

        private async Task<JobOutcome> RunJobAsync(JobSpec spec)
        {
            string? lastError = null;
            for (var attempt = 1; attempt <= Math.Max(1, request.Wait.MaxAttempts); attempt++)
            {
                SetJobState(spec.JobId, attempt == 1 ? "starting" : $"restarting ({attempt})");
                var start = await CallAsync<JobStartResult>(nameof(StartJobActivity), new StartJobInput(spec, attempt));
                if (start.AlreadyCompleted)
                {
                    SetJobState(spec.JobId, "reused");
                    return new JobOutcome(spec.JobId, spec.Probe, spec.OutputPrefix, JobStatus.Succeeded, attempt - 1, Reused: true);
                }
                SetJobState(spec.JobId, "running");
                var final = await WaitForJobAsync(spec, start.Handle);
                if (final.Status == JobStatus.Succeeded)
                {
                    SetJobState(spec.JobId, "succeeded");
                    return new JobOutcome(spec.JobId, spec.Probe, spec.OutputPrefix, JobStatus.Succeeded, attempt, Reused: false);
                }
                lastError = final.Message ?? final.Status.ToString();
                SetJobState(spec.JobId, $"failed ({attempt})");
            }
            return new JobOutcome(spec.JobId, spec.Probe, spec.OutputPrefix, JobStatus.Failed, request.Wait.MaxAttempts, Reused: false, lastError);
        }

        private async Task<JobExecutionState> WaitForJobAsync(JobSpec spec, JobHandle handle)
        {
            var deadline = context.CurrentUtcDateTime + request.Wait.Timeout;
            var query = new JobQuery(handle, spec.ResultName);
            var eventName = JobCompletedEvent.EventName(spec.JobId);
            while (true)
            {
                var remaining = deadline - context.CurrentUtcDateTime;
                var wait = remaining < request.Wait.PollInterval ? remaining : request.Wait.PollInterval;
                if (wait < TimeSpan.FromSeconds(1)) wait = TimeSpan.FromSeconds(1);
                try
                {
                    var completed = await context.WaitForExternalEvent<JobCompletedEvent>(eventName, wait);
                    if (completed.ExecutionId is not null && completed.ExecutionId != handle.ExecutionId) continue; // an earlier execution's event
                    // Confirm through the store (result.json is authoritative); a reported failure stands as reported.
                    var confirmed = await CallAsync<JobExecutionState>(nameof(GetJobStatusActivity), query);
                    if (confirmed.Status != JobStatus.Running) return confirmed;
                    if (completed.Status != JobStatus.Succeeded) return new JobExecutionState(completed.Status, completed.Error);
                }
                catch (TaskCanceledException)
                {
                    // No event within the poll interval: ask (the event may be lost).
                    var polled = await CallAsync<JobExecutionState>(nameof(GetJobStatusActivity), query);
                    if (polled.Status != JobStatus.Running) return polled;
                }
                if (context.CurrentUtcDateTime >= deadline)
                {
                    await CallAsync<bool>(nameof(CancelJobActivity), query);
                    return new JobExecutionState(JobStatus.Failed, $"job '{spec.JobId}' did not finish within {request.Wait.Timeout}");
                }
            }
        }

        private async Task<MetricShardResult> ComputeShardAsync(RunArtifacts artifacts, MetricShardSpec shard)
        {
            var prefix = RunLayout.MetricPart(_runId, shard.Id);
            if (shard.Heavy && artifacts.Dataset.Count > request.MetricJobThreshold)
            {
                var spec = JobPlanner.MetricJob(request, artifacts, shard, prefix);
                var outcome = await RunJobAsync(spec);
                if (outcome.Status != JobStatus.Succeeded)
                    throw new RunFailedException($"metric job '{spec.JobId}' failed after {outcome.Attempts} attempt(s): {outcome.Error}");
                return new MetricShardResult(shard.Id, prefix, Columns: 0);
            }
            return await CallAsync<MetricShardResult>(nameof(ComputeMetricShardActivity), new MetricShardInput(artifacts, shard, prefix));
        }

        /// <summary>Awaits every task, failing on the first failure, and reports progress as they finish.</summary>
        private async Task<List<T>> WhenAllAsync<T>(List<Task<T>> tasks, string stage, string what)
        {
            var pending = new List<Task<T>>(tasks); // a list keeps the order deterministic across replays
            var done = 0;
            SetStageProgress(stage, done, tasks.Count, $"0/{tasks.Count} {what}");
            while (pending.Count > 0)
            {
                var finished = await Task.WhenAny(pending);
                pending.Remove(finished);
                await finished; // rethrows the first failure
                done++;
                SetStageProgress(stage, done, tasks.Count, $"{done}/{tasks.Count} {what}");
            }
            return tasks.Select(t => t.Result).ToList();
        }

        private void SetJobState(string jobId, string state)
        {
            _jobStates[jobId] = state;
            context.SetCustomStatus(new RunProgress(Stage, SafeIndex(Stage), _progress, 0, 0, null, _jobStates));
        }

        private void SetStageProgress(string stage, int done, int total, string detail)
        {
            _progress = RunStages.Overall(stage, total == 0 ? 1 : (double)done / total);
            context.SetCustomStatus(new RunProgress(stage, SafeIndex(stage), _progress, done, total, detail, _jobStates.Count > 0 ? _jobStates : null));
        }

        private async Task EnterStageAsync(string stage, string message, string? dataset = null, string? datasetPrefix = null)
        {
            Stage = stage;
            _progress = RunStages.Overall(stage, 0);
            context.SetCustomStatus(new RunProgress(stage, SafeIndex(stage), _progress, 0, 0, message, _jobStates.Count > 0 ? _jobStates : null));
            await CallAsync<bool>(nameof(UpdateRunStatusActivity), new RunStatusUpdate(
                _runId, RunStatus.Running, stage, _progress, context.CurrentUtcDateTime, Message: message,
                Dataset: dataset, DatasetPrefix: datasetPrefix, Results: _results));
        }

        private Task UpdateAsync(RunStatus status, IReadOnlyList<JobOutcome> jobs)
            => CallAsync<bool>(nameof(UpdateRunStatusActivity), new RunStatusUpdate(
                _runId, status, Stage, _progress, context.CurrentUtcDateTime, Jobs: jobs, Results: _results));

        private Task<T> CallAsync<T>(string activity, object input) => context.CallActivityAsync<T>(activity, input, _retry);

        private static int SafeIndex(string stage) => stage == RunStages.Done ? RunStages.All.Count : RunStages.IndexOf(stage);

        private static TimeSpan Positive(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(1);
    }
}

/// <summary>A run failed; the message is the readable error also stored in the <c>Runs</c> table.</summary>
public sealed class RunFailedException(string message) : Exception(message);
