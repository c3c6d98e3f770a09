using System.Collections.Concurrent;

namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// An exclusive lock over one store root, safe across threads and processes: an in-process gate per lock file plus an
/// exclusive open of the lock file itself (.NET takes an advisory <c>flock</c> for <see cref="FileShare.None"/>).
/// Held only for the short check-and-rename step of a write, never while content streams.
/// </summary>
internal sealed class StoreLock
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly string _lockFile;
    private readonly SemaphoreSlim _gate;

    public StoreLock(string lockFile)
    {
        _lockFile = lockFile;
        _gate = Gates.GetOrAdd(lockFile, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>How long to wait for another process before giving up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the lock; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deadline = DateTime.UtcNow + Timeout;
            var delay = 1;
            while (true)
            {
                try
                {
                    var handle = new FileStream(_lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new Releaser(handle, _gate);
                }
                catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
                {
                    if (DateTime.UtcNow > deadline)
                        throw new TimeoutException($"Could not lock '{_lockFile}' within {Timeout.TotalSeconds:0} s; another process holds it.", e);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = Math.Min(delay * 2, 50);
                }
            }
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    private sealed class Releaser(FileStream handle, SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            handle.Dispose();
            gate.Release();
        }
    }
}
