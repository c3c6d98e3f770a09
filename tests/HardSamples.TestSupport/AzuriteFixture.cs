using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HardSamples.TestSupport;

/// <summary>
/// Starts a private Azurite (blob, queue, table) on free loopback ports with in-memory persistence and
/// stops it on dispose. Azurite comes from <c>tools/azurite</c> (installed by <c>scripts/install-tools.sh</c>).
/// There is no skip: when Azurite cannot start, the fixture throws and the tests using it fail.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    /// <summary>Starts Azurite and waits until all three endpoints accept connections.</summary>
    public AzuriteFixture()
    {
        var entry = Path.Combine(RepoPaths.RepoRoot, "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
            throw new InvalidOperationException($"Azurite is not installed ('{entry}' missing). Run scripts/install-tools.sh first.");
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     entry, "--inMemoryPersistence", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
                 })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(BlobPort) && Listening(QueuePort) && Listening(TablePort)))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}: {string.Join('\n', _stderr)}");
            if (DateTime.UtcNow > deadline)
            {
                Dispose();
                throw new TimeoutException("Azurite did not open its ports within 30 s.");
            }
            Thread.Sleep(100);
        }
    }

    private readonly List<string> _stderr = [];

    /// <summary>Loopback port of the blob endpoint.</summary>
    public int BlobPort { get; }

    /// <summary>Loopback port of the queue endpoint.</summary>
    public int QueuePort { get; }

    /// <summary>Loopback port of the table endpoint.</summary>
    public int TablePort { get; }

    /// <summary>A connection string for this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Blob service URI.</summary>
    public Uri BlobUri => new($"http://127.0.0.1:{BlobPort}/{AccountName}");

    /// <summary>Table service URI.</summary>
    public Uri TableUri => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>Stops Azurite: SIGTERM, again after a pause, then SIGKILL.</summary>
    public void Dispose()
    {
        if (_process.HasExited) { _process.Dispose(); return; }
        for (var attempt = 0; attempt < 2 && !_process.HasExited; attempt++)
        {
            _ = kill(_process.Id, 15);
            _process.WaitForExit(2000);
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
