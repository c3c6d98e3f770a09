using System.Runtime.ExceptionServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary><see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> that rethrows the first worker exception itself (not wrapped in an <see cref="AggregateException"/>), so callers see the clear error a metric raised.</summary>
internal static class Parallelism
{
    public static void For(int fromInclusive, int toExclusive, ParallelOptions options, Action<int> body)
    {
        try
        {
            Parallel.For(fromInclusive, toExclusive, options, body);
        }
        catch (AggregateException e)
        {
            Rethrow(e);
            throw;
        }
    }

    public static void For<TLocal>(int fromInclusive, int toExclusive, ParallelOptions options, Func<TLocal> init, Func<int, TLocal, TLocal> body)
    {
        try
        {
            Parallel.For(fromInclusive, toExclusive, options, init, (i, _, local) => body(i, local), _ => { });
        }
        catch (AggregateException e)
        {
            Rethrow(e);
            throw;
        }
    }

    private static void Rethrow(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions;
        var first = inner.FirstOrDefault(x => x is not OperationCanceledException) ?? inner.FirstOrDefault();
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }
}
