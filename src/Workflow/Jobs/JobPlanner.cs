using HardSamples.Shared.Contracts;
using HardSamples.Shared.Metrics.Shards;

namespace HardSamples.Workflow.Jobs;

/// <summary>Builds the job specs of a run from its request (pure and deterministic: the orchestrator calls it).</summary>
public static class JobPlanner
{
    /// <summary>Probe names accepted in <see cref="RunRequest.Probes"/>.</summary>
    public static readonly IReadOnlyList<string> KnownProbes = ["ae", "ssft", "ae-ssft", "contrastive"];

    /// <summary>
    /// The probe jobs: AE on the full set, SSFT A→B and B→A, optional AE-SSFT (both directions) and contrastive. With a
    /// held-out test split the whole-set probes train on <c>train</c> instead of <c>all</c> (A and B never hold test samples).
    /// </summary>
    public static IReadOnlyList<JobSpec> PlanProbes(string runId, RunRequest request, PreparedDatasetRef data)
    {
        var jobs = new List<JobSpec>();
        foreach (var probe in request.Probes.Distinct())
        {
            switch (probe)
            {
                case "ae":
                    jobs.Add(Spec(runId, "ae", ProbeKind.Autoencoder, request, data, ProbeSamples.Split(data), null, request.Epochs, AutoencoderSettings(request, ProbeSamples.Count(data))));
                    break;
                case "ssft":
                    RequireLabels(data, probe);
                    var ssftEpochs = request.SsftEpochs ?? RunDefaults.SsftEpochs;
                    var ssftSettings = BaseSettings(request) with { Architecture = request.SsftArchitecture, EvalsPerEpoch = request.SsftEvalsPerEpoch };
                    jobs.Add(Spec(runId, "ssft-ab", ProbeKind.Ssft, request, data, "A", "B", ssftEpochs, ssftSettings));
                    jobs.Add(Spec(runId, "ssft-ba", ProbeKind.Ssft, request, data, "B", "A", ssftEpochs, ssftSettings));
                    break;
                case "ae-ssft":
                    var aeSsftEpochs = request.SsftEpochs ?? RunDefaults.SsftEpochs;
                    var aeSettings = AutoencoderSettings(request, ProbeSamples.Count(data) / 2) with { Threshold = 0.15, EvalsPerEpoch = request.SsftEvalsPerEpoch };
                    jobs.Add(Spec(runId, "ae-ssft-ab", ProbeKind.AeSsft, request, data, "A", "B", aeSsftEpochs, aeSettings));
                    jobs.Add(Spec(runId, "ae-ssft-ba", ProbeKind.AeSsft, request, data, "B", "A", aeSsftEpochs, aeSettings));
                    break;
                case "contrastive":
                    jobs.Add(Spec(runId, "contrastive", ProbeKind.Contrastive, request, data, ProbeSamples.Split(data), null, request.Epochs, BaseSettings(request)));
                    break;
                default:
                    throw new ArgumentException($"Unknown probe '{probe}'; known probes: {string.Join(", ", KnownProbes)}.");
            }
        }
        return jobs;
    }

    /// <summary>
    /// A <c>metrics</c> job computing one heavy autoencoder-derived shard (used above the size threshold) in GpuRunner,
    /// with its distance kernel on the GPU when there is one. The shard travels as flat settings
    /// (<see cref="AutoencoderShardRequest.ToSettings"/> plus <c>key</c>); the job writes the same part files as
    /// <c>ComputeMetricShardActivity</c> under <paramref name="outputPrefix"/>, then its <c>result.json</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has no autoencoder job or the family is not autoencoder-derived.</exception>
    public static JobSpec MetricJob(RunRequest request, RunArtifacts run, MetricShardSpec shard, string outputPrefix)
    {
        if (!AutoencoderShardRequest.Families.Contains(shard.Family))
            throw new InvalidOperationException($"Metric family '{shard.Family}' cannot run as a GpuRunner metrics job (only {string.Join(", ", AutoencoderShardRequest.Families)}).");
        var extra = new Dictionary<string, string>(Steps.MetricStep.AutoencoderRequest(run, shard).ToSettings()) { ["key"] = shard.Key };
        return new JobSpec
        {
            RunId = run.RunId,
            JobId = "metrics-" + Slug(shard.Id),
            Probe = ProbeKind.Metrics,
            DatasetPrefix = run.Dataset.Prefix,
            OutputPrefix = outputPrefix,
            Epochs = 1,
            Seed = request.Seed,
            Device = request.Device,
            Settings = new ProbeSettings { Extra = extra },
        };
    }

    private static JobSpec Spec(string runId, string jobId, ProbeKind kind, RunRequest request, PreparedDatasetRef data,
        string split, string? second, int epochs, ProbeSettings settings) => new()
    {
        RunId = runId,
        JobId = jobId,
        Probe = kind,
        DatasetPrefix = data.Prefix,
        Split = split,
        SecondSplit = second,
        Epochs = epochs,
        Seed = request.Seed,
        Device = request.Device,
        Settings = settings,
        OutputPrefix = RunLayout.Probe(runId, jobId),
    };

    private static ProbeSettings BaseSettings(RunRequest request) => new() { Extra = request.ProbeExtra };

    private static ProbeSettings AutoencoderSettings(RunRequest request, int samples)
        // Per-sample SSIM costs a decoder pass over every sample; about ten snapshots are enough for its aggregates.
        => BaseSettings(request) with
        {
            SsimEvery = Math.Max(1, request.Epochs / 10),
            BatchSize = request.AutoencoderBatchSize ?? RunDefaults.AutoencoderBatchFor(samples),
        };

    private static void RequireLabels(PreparedDatasetRef data, string probe)
    {
        if (!data.HasLabels)
            throw new ArgumentException($"The '{probe}' probe needs labels, but the prepared dataset '{data.Prefix}' has none.");
    }

    private static string Slug(string s)
    {
        var chars = s.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length > 50 ? slug[..50].TrimEnd('-') : slug;
    }
}
