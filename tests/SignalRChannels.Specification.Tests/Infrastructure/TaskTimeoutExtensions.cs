using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Specification.Tests.Infrastructure;

/// <summary>Bounds every await, so a store that hangs fails its test instead of the run.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>How long any single await may take; generous for a busy 2-core machine.</summary>
    public static TimeSpan DefaultTimeoutDuration { get; } =
        Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(15);

    public static Task DefaultTimeout(this Task task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        BoundAsync(task, file, line);

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        await BoundAsync(task, file, line);
        return await task;
    }

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(file, line);

    private static async Task BoundAsync(Task task, string? file, int line)
    {
        try
        {
            await task.WaitAsync(DefaultTimeoutDuration);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {DefaultTimeoutDuration.TotalSeconds} s awaiting at {Path.GetFileName(file)}:{line}.", ex);
        }
    }
}
