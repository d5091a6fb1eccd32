using System.Runtime.CompilerServices;

namespace SignalRChannels.Specification.Tests;

/// <summary>Bounds every await of the suites, so a store that never answers fails its test instead of hanging the run.</summary>
internal static class BoundedAwaits
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    public static Task DefaultTimeout(this Task task, [CallerLineNumber] int line = 0) => Bound(task, line);

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, [CallerLineNumber] int line = 0)
    {
        await Bound(task, line);
        return await task;
    }

    public static Task DefaultTimeout(this ValueTask task, [CallerLineNumber] int line = 0) => Bound(task.AsTask(), line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerLineNumber] int line = 0) => task.AsTask().DefaultTimeout(line);

    private static async Task Bound(Task task, int line)
    {
        try
        {
            await task.WaitAsync(s_timeout);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"The store did not answer within {s_timeout.TotalSeconds:0} s (specification line {line}).");
        }
    }
}
