using System.Runtime.InteropServices;
using TorchSharp;

namespace HardSamples.GpuRunner.Torch;

/// <summary>
/// One-time native set-up every TorchSharp entry point calls before its first torch operation:
/// pins oneDNN to SSE4.1 kernels unless the user chose an ISA (float32 convolution backward produced NaN with the
/// AVX-512 kernels on this machine class, see PLATFORM_NOTES), makes idle OpenMP threads sleep instead of spin unless the
/// user chose a policy (spinning workers burnt 3× the CPU of the work itself on a shared 2-core machine), then loads libtorch.
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>oneDNN's environment variable capping the instruction set it dispatches to.</summary>
    public const string OneDnnIsaVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>The value applied when the user set none.</summary>
    public const string DefaultOneDnnIsa = "SSE41";

    /// <summary>OpenMP's wait policy variable.</summary>
    public const string OpenMpWaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>The wait policy applied when the user set none (and no GOMP_SPINCOUNT).</summary>
    public const string DefaultOpenMpWaitPolicy = "PASSIVE";

    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>The oneDNN ISA in effect for this process (the user's value or <see cref="DefaultOneDnnIsa"/>).</summary>
    public static string? OneDnnIsa { get; private set; }

    /// <summary>Applies the native settings and loads libtorch; safe to call many times from any thread.</summary>
    /// <exception cref="InvalidOperationException">libtorch could not be loaded (the message says why).</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized) return;
            OneDnnIsa = ApplyOneDnnIsa();
            if (string.IsNullOrEmpty(NativeGetEnv("GOMP_SPINCOUNT"))) SetNativeDefault(OpenMpWaitPolicyVariable, DefaultOpenMpWaitPolicy);
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

    /// <summary>
    /// Sets <see cref="OneDnnIsaVariable"/> in the native environment (libc <c>setenv</c>; .NET's own environment
    /// block is not seen by native <c>getenv</c>) unless it already has a value; returns the value in effect.
    /// </summary>
    internal static string? ApplyOneDnnIsa() => SetNativeDefault(OneDnnIsaVariable, DefaultOneDnnIsa);

    /// <summary>Sets a native environment variable unless it has a value; returns the value in effect.</summary>
    private static string? SetNativeDefault(string name, string value)
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
