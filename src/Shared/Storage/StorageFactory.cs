using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using HardSamples.Shared.Storage.Azure;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Shared.Storage;

/// <summary>The stores one run uses: run artifacts, datasets and tables.</summary>
/// <param name="Runs">Container/folder <c>runs</c>.</param>
/// <param name="Datasets">Container/folder <c>datasets</c>.</param>
/// <param name="Tables">Table store.</param>
/// <param name="Description">Where they live, for messages (never contains secrets).</param>
public sealed record StorageSet(IArtifactStore Runs, IArtifactStore Datasets, ITableStore Tables, string Description);

/// <summary>A parsed storage specification.</summary>
public abstract record StorageSpec;

/// <summary>Blobs under <c>{Root}/runs</c> and <c>{Root}/datasets</c>, tables in <c>{Root}/tables.db</c>.</summary>
public sealed record LocalStorageSpec(string Root) : StorageSpec;

/// <summary>An Azure storage connection string (including <c>UseDevelopmentStorage=true</c>).</summary>
public sealed record ConnectionStringStorageSpec(string ConnectionString) : StorageSpec
{
    /// <summary>Hides the account key.</summary>
    public override string ToString() => $"ConnectionStringStorageSpec {{ Account = {AccountName ?? "(endpoints)"} }}";

    /// <summary>The AccountName entry, or devstoreaccount1 for development storage, or null.</summary>
    public string? AccountName => StorageFactory.ConnectionStringValue(ConnectionString, "AccountName")
        ?? (string.Equals(StorageFactory.ConnectionStringValue(ConnectionString, "UseDevelopmentStorage"), "true", StringComparison.OrdinalIgnoreCase) ? "devstoreaccount1" : null);
}

/// <summary>Service endpoints reached with <c>DefaultAzureCredential</c>.</summary>
public sealed record ServiceUriStorageSpec(Uri BlobServiceUri, Uri TableServiceUri) : StorageSpec;

/// <summary>
/// Builds the stores from one specification string:
/// <list type="bullet">
/// <item><c>local</c> — local stores under the default root (the caller's, else <c>./out</c>);</item>
/// <item><c>local:PATH</c> — local stores under PATH;</item>
/// <item>an Azure connection string (<c>UseDevelopmentStorage=true</c>, <c>DefaultEndpointsProtocol=…;AccountName=…</c>, …);</item>
/// <item><c>https://ACCOUNT.blob.core.windows.net</c> (or the <c>.table.</c> endpoint, any cloud suffix) — both services of
/// that account with <c>DefaultAzureCredential</c>.</item>
/// </list>
/// </summary>
public static class StorageFactory
{
    /// <summary>Container (and local folder) of run artifacts.</summary>
    public const string RunsContainer = "runs";

    /// <summary>Container (and local folder) of uploaded datasets.</summary>
    public const string DatasetsContainer = "datasets";

    /// <summary>File name of the local table database under the root.</summary>
    public const string TablesFileName = "tables.db";

    /// <summary>Parses <paramref name="spec"/>; throws <see cref="ArgumentException"/> saying which forms are accepted.</summary>
    /// <param name="spec">The specification.</param>
    /// <param name="defaultLocalRoot">Root for plain <c>local</c>; <c>./out</c> when null.</param>
    public static StorageSpec Parse(string spec, string? defaultLocalRoot = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (text.Length == 0) throw Invalid(spec, "it is empty");
        if (text.Equals("local", StringComparison.OrdinalIgnoreCase))
            return new LocalStorageSpec(Path.GetFullPath(defaultLocalRoot ?? "out"));
        if (text.StartsWith("local:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["local:".Length..].Trim();
            if (path.Length == 0) throw Invalid(spec, "'local:' needs a folder after the colon");
            return new LocalStorageSpec(Path.GetFullPath(path));
        }
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            return ParseServiceUri(spec, text);
        if (text.Contains('='))
            return ParseConnectionString(spec, text);
        throw Invalid(spec, "it is not 'local', 'local:PATH', a connection string or a service URI");
    }

    /// <summary>Builds the stores for <paramref name="spec"/> (see <see cref="Parse"/>).</summary>
    public static StorageSet Create(string spec, string? defaultLocalRoot = null, TokenCredential? credential = null) =>
        Create(Parse(spec, defaultLocalRoot), credential);

    /// <summary>Builds the stores for a parsed specification; <paramref name="credential"/> defaults to <c>DefaultAzureCredential</c>.</summary>
    public static StorageSet Create(StorageSpec spec, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec)
        {
            case LocalStorageSpec local:
                return new StorageSet(
                    new LocalArtifactStore(Path.Join(local.Root, RunsContainer)),
                    new LocalArtifactStore(Path.Join(local.Root, DatasetsContainer)),
                    new SqliteTableStore(Path.Join(local.Root, TablesFileName)),
                    $"local folder {local.Root}");
            case ConnectionStringStorageSpec cs:
            {
                var blobs = new BlobServiceClient(cs.ConnectionString, AzureBlobArtifactStore.CreateClientOptions());
                return new StorageSet(
                    new AzureBlobArtifactStore(blobs.GetBlobContainerClient(RunsContainer)),
                    new AzureBlobArtifactStore(blobs.GetBlobContainerClient(DatasetsContainer)),
                    new AzureTableStore(new TableServiceClient(cs.ConnectionString)),
                    $"Azure storage account {cs.AccountName ?? blobs.AccountName}");
            }
            case ServiceUriStorageSpec uris:
            {
                credential ??= new DefaultAzureCredential();
                var blobs = new BlobServiceClient(uris.BlobServiceUri, credential, AzureBlobArtifactStore.CreateClientOptions());
                return new StorageSet(
                    new AzureBlobArtifactStore(blobs.GetBlobContainerClient(RunsContainer)),
                    new AzureBlobArtifactStore(blobs.GetBlobContainerClient(DatasetsContainer)),
                    new AzureTableStore(new TableServiceClient(uris.TableServiceUri, credential)),
                    $"Azure storage {uris.BlobServiceUri} (Entra ID)");
            }
            default:
                throw new ArgumentException($"Unknown storage specification type {spec.GetType().Name}.", nameof(spec));
        }
    }

    internal static string? ConnectionStringValue(string connectionString, string key)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim().Equals(key, StringComparison.OrdinalIgnoreCase)) return part[(eq + 1)..].Trim();
        }
        return null;
    }

    private static ConnectionStringStorageSpec ParseConnectionString(string spec, string text)
    {
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.IndexOf('=') <= 0) throw Invalid(spec, $"the connection string part '{Redact(part)}' is not KEY=VALUE");
        }
        var development = ConnectionStringValue(text, "UseDevelopmentStorage");
        if (development is not null)
        {
            if (!development.Equals("true", StringComparison.OrdinalIgnoreCase))
                throw Invalid(spec, "UseDevelopmentStorage must be 'true'");
            return new ConnectionStringStorageSpec(text);
        }
        var account = ConnectionStringValue(text, "AccountName");
        var blobEndpoint = ConnectionStringValue(text, "BlobEndpoint");
        var tableEndpoint = ConnectionStringValue(text, "TableEndpoint");
        if (account is null && (blobEndpoint is null || tableEndpoint is null))
            throw Invalid(spec, "the connection string names no AccountName (nor both BlobEndpoint and TableEndpoint)");
        if (ConnectionStringValue(text, "AccountKey") is null && ConnectionStringValue(text, "SharedAccessSignature") is null)
            throw Invalid(spec, "the connection string has neither AccountKey nor SharedAccessSignature (use a service URI for Entra ID sign-in)");
        return new ConnectionStringStorageSpec(text);
    }

    private static ServiceUriStorageSpec ParseServiceUri(string spec, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw Invalid(spec, "it is not a valid URI");
        if (uri.Scheme != Uri.UriSchemeHttps)
            throw Invalid(spec, "Entra ID sign-in needs an https:// service URI");
        if (uri.AbsolutePath.Trim('/').Length > 0 || uri.Query.Length > 0)
            throw Invalid(spec, "give the account's service URI without a container, path or query (https://ACCOUNT.blob.core.windows.net)");
        var labels = uri.Host.Split('.');
        if (labels.Length < 3 || labels[0].Length == 0 || labels[1] is not ("blob" or "table"))
            throw Invalid(spec, "the host must look like ACCOUNT.blob.SUFFIX or ACCOUNT.table.SUFFIX");
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        string Endpoint(string service) => $"https://{labels[0]}.{service}.{string.Join('.', labels[2..])}{port}";
        return new ServiceUriStorageSpec(new Uri(Endpoint("blob")), new Uri(Endpoint("table")));
    }

    private static string Redact(string part)
    {
        var eq = part.IndexOf('=');
        return eq > 0 ? part[..eq] + "=…" : part.Length > 8 ? part[..4] + "…" : part;
    }

    private static ArgumentException Invalid(string spec, string why)
    {
        var shown = spec.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) || spec.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
            ? "(connection string)"
            : $"'{spec}'";
        return new ArgumentException(
            $"Storage specification {shown} is invalid: {why}. Use 'local', 'local:PATH', an Azure storage connection string " +
            "(e.g. 'UseDevelopmentStorage=true') or a service URI such as 'https://ACCOUNT.blob.core.windows.net'.", nameof(spec));
    }
}
