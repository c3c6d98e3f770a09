namespace HardSamples.GpuRunner;

/// <summary>Container entry point: <c>GpuRunner --job &lt;path-or-blob-uri&gt;</c>.</summary>
public static class Program
{
    /// <summary>Runs one job spec and returns its exit code.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("GpuRunner: not implemented yet");
        return 2;
    }
}
