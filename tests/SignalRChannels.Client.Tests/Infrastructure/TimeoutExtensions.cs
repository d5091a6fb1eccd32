using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>Bounds every await in the tests, so a missing event fails fast instead of hanging the run.</summary>
public static class TimeoutExtensions
{
    /// <summary>Generous for a loaded, shared 2-core machine; a passing test never waits this long.</summary>
    public static TimeSpan DefaultTimeoutDuration { get; } = Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(15);

    public static async Task DefaultTimeout(this Task task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        try
        {
            await task.WaitAsync(DefaultTimeoutDuration);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out awaiting at {Path.GetFileName(file)}:{line}.", ex);
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
            throw new TimeoutException($"Timed out awaiting at {Path.GetFileName(file)}:{line}.", ex);
        }
    }
}
