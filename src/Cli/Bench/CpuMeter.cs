using System.Diagnostics;
using System.Globalization;

namespace HardSamples.Cli.Bench;

/// <summary>
/// Wall time, this process's CPU time and the machine's other ("foreign") busy CPU time between two laps, read from
/// /proc/stat: shows whether other processes competed for the cores during a timed phase (same idea as the seed
/// loop's meter in ../shared/bench/seed_ae_loop.py).
/// </summary>
public sealed class CpuMeter
{
    private long wallTicks;
    private TimeSpan own;
    private double busy;

    /// <summary>Starts the first lap.</summary>
    public CpuMeter() => (wallTicks, own, busy) = Snapshot();

    /// <summary>One lap's figures in seconds.</summary>
    public sealed record Lap(double Wall, double OwnCpu, double ForeignCpu);

    /// <summary>Ends the current lap and starts the next.</summary>
    public Lap Next()
    {
        var (t, o, b) = Snapshot();
        var ownSeconds = (o - own).TotalSeconds;
        var lap = new Lap(Stopwatch.GetElapsedTime(wallTicks, t).TotalSeconds, ownSeconds, Math.Max(0, b - busy - ownSeconds));
        (wallTicks, own, busy) = (t, o, b);
        return lap;
    }

    private static (long, TimeSpan, double) Snapshot()
    {
        using var process = Process.GetCurrentProcess();
        return (Stopwatch.GetTimestamp(), process.TotalProcessorTime, BusySeconds());
    }

    /// <summary>Busy CPU seconds of the whole machine (user, nice, system, irq, softirq, steal) since boot; 0 off Linux.</summary>
    public static double BusySeconds()
    {
        if (!File.Exists("/proc/stat")) return 0;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        const double ticksPerSecond = 100.0; // USER_HZ on Linux
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticksPerSecond;
    }

    /// <summary>The 1-minute load average, or NaN off Linux.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;
}
