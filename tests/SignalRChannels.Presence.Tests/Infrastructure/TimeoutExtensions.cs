using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Presence.Tests.Infrastructure;

/// <summary>Bounds every await, so a hung Redis call fails the test instead of the run.</summary>
public static class TimeoutExtensions
{
    public static TimeSpan DefaultTimeoutDuration { get; } =
        Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(15);

    public static Task DefaultTimeout(this ValueTask task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(file, line);

    public static async Task DefaultTimeout(this Task task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        try
        {
            await task.WaitAsync(DefaultTimeoutDuration);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw TimedOut(ex, file, line);
        }
    }

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        try
        {
            return await task.WaitAsync(DefaultTimeoutDuration);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw TimedOut(ex, file, line);
        }
    }

    private static TimeoutException TimedOut(TimeoutException inner, string? file, int line) =>
        new($"Timed out after {DefaultTimeoutDuration.TotalSeconds} s at {Path.GetFileName(file)}:{line}.", inner);
}
