using System.Text;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Reporting;

/// <summary>Where the report went and what it lacked.</summary>
/// <param name="BlobName">Store name of <c>report/index.html</c>.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Problems">Inputs that were missing or unreadable (their sections say so).</param>
public sealed record ReportOutcome(string BlobName, long Length, IReadOnlyDictionary<string, string> Problems);

/// <summary>Loads a run, renders <see cref="HtmlReport"/> and stores it as <c>{runId}/report/index.html</c>.</summary>
public sealed class ReportBuilder(IArtifactStore store)
{
    /// <summary>Renders and stores the report (one write, after rendering completed).</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    public async Task<ReportOutcome> BuildAsync(string runId, ReportOptions? options = null, CancellationToken ct = default)
    {
        var data = await ReportData.LoadAsync(store, runId, ct);
        var html = new UTF8Encoding(false).GetBytes(HtmlReport.Render(data, options));
        var name = RunBlobNames.Report(runId);
        await store.PutAsync(name, new MemoryStream(html), new ArtifactPutOptions(ContentType: "text/html; charset=utf-8"), ct);
        return new ReportOutcome(name, html.Length, data.Problems);
    }
}
