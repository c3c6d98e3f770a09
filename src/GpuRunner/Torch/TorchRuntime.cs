using System.Runtime.InteropServices;
using TorchSharp;

namespace HardSamples.GpuRunner.Torch;

/// <summary>
/// One-time native set-up every TorchSharp entry point calls before its first torch operation, then loads libtorch:
/// <list type="bullet">
/// <item>oneDNN's instruction set is left to oneDNN (AVX-512 here, 2× the SSE4.1 speed) unless the user set
/// <c>DNNL_MAX_CPU_ISA</c>. PLATFORM_NOTES saw NaN gradients from multi-threaded AVX-512/AVX2 convolution backward on
/// this machine class; every training step now checks its gradients and recomputes a non-finite one on one thread
/// (<see cref="Training.GuardedBackward"/>), so the fast kernels are safe to use. <c>DNNL_MAX_CPU_ISA=SSE41</c>
/// still restores the old behaviour.</item>
/// <item>Idle OpenMP workers spin for a bounded time (<c>GOMP_SPINCOUNT</c> 3,000,000, a few milliseconds) and then
/// sleep, unless the user chose <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>: sleeping at once cost ≈15 % of an epoch in
/// wake-ups; spinning forever (<c>ACTIVE</c>) starved the runtime's own threads on 2 cores.</item>
/// <item>glibc keeps freed activation buffers (see <see cref="HeapTuned"/>).</item>
/// </list>
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>oneDNN's environment variable capping the instruction set it dispatches to.</summary>
    public const string OneDnnIsaVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>OpenMP's wait policy variable.</summary>
    public const string OpenMpWaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>GNU OpenMP's spin count variable.</summary>
    public const string SpinCountVariable = "GOMP_SPINCOUNT";

    /// <summary>The spin count applied when the user set neither a wait policy nor a spin count.</summary>
    public const string DefaultSpinCount = "3000000";

    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>The oneDNN ISA cap the user set for this process, or null (oneDNN picks the best the CPU has).</summary>
    public static string? OneDnnIsa { get; private set; }

    /// <summary>Applies the native settings and loads libtorch; safe to call many times from any thread.</summary>
    /// <exception cref="InvalidOperationException">libtorch could not be loaded (the message says why).</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized) return;
            OneDnnIsa = NativeGetEnv(OneDnnIsaVariable) is { Length: > 0 } isa ? isa : null;
            if (string.IsNullOrEmpty(NativeGetEnv(OpenMpWaitPolicyVariable))) SetNativeDefault(SpinCountVariable, DefaultSpinCount);
            HeapTuned = TuneHeap();
            try
            {
                // Forces the native load now, with a readable error, instead of inside a later static constructor.
                using var probe = torch.zeros(1);
            }
            catch (TypeInitializationException e)
            {
                throw new InvalidOperationException(
                    "TorchSharp could not load libtorch/libLibTorchSharp.so. On Debian 12 this means the build's " +
                    "GLIBCXX_3.4.32 fix (build/TorchSharpNativeFix.targets) did not run on this output folder; " +
                    "`ldd libLibTorchSharp.so` shows the missing dependency. Inner error: " + (e.InnerException?.Message ?? e.Message), e);
            }
            initialized = true;
        }
    }

    /// <summary>True when <see cref="TuneHeap"/> changed glibc's allocator settings in this process.</summary>
    public static bool HeapTuned { get; private set; }

    /// <summary>
    /// Keeps freed activation buffers in glibc's heap instead of returning them to the kernel after every batch:
    /// libtorch frees and re-allocates megabyte-sized tensors per operation, and with glibc's defaults each one came back
    /// as fresh pages (≈2.8 M page faults and 6 s of system time over three 57,000-sample epochs; ≈0.4 M and 2 s after).
    /// Skipped when the user set any <c>MALLOC_*</c> tunable or on a non-glibc system.
    /// </summary>
    private static bool TuneHeap()
    {
        if (!OperatingSystem.IsLinux()) return false;
        foreach (var name in new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES" })
            if (!string.IsNullOrEmpty(NativeGetEnv(name))) return false;
        try
        {
            const int trimThreshold = -1, topPad = -2, mmapThreshold = -3;
            // 32 MiB is glibc's largest mmap threshold on 64-bit systems: every activation of these probes stays below it.
            return MallOpt(mmapThreshold, 32 << 20) == 1 & MallOpt(trimThreshold, 1 << 30) == 1 & MallOpt(topPad, 64 << 20) == 1;
        }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>
    /// Sets a native environment variable (libc <c>setenv</c>; .NET's own environment block is not seen by native
    /// <c>getenv</c>) unless it has a value; returns the value in effect.
    /// </summary>
    internal static string? SetNativeDefault(string name, string value)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return Environment.GetEnvironmentVariable(name);
        var existing = NativeGetEnv(name);
        if (!string.IsNullOrEmpty(existing)) return existing;
        if (NativeSetEnv(name, value, 0) != 0)
            throw new InvalidOperationException($"libc setenv({name}) failed (errno {Marshal.GetLastPInvokeError()}).");
        Environment.SetEnvironmentVariable(name, value);
        return value;
    }

    /// <summary>The native (libc) value of an environment variable.</summary>
    internal static string? NativeGetEnv(string name)
    {
        var ptr = GetEnv(name);
        return ptr == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(ptr);
    }

    private static int NativeSetEnv(string name, string value, int overwrite) => SetEnv(name, value, overwrite);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);
}
