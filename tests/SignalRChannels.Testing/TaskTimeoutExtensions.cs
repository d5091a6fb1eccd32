using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Testing;

/// <summary>Bounds every await in the tests, so a missing event fails fast instead of hanging the run.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>How long a test waits for anything; generous for a loaded 2-core CI machine.</summary>
    public static TimeSpan DefaultTimeoutDuration { get; } =
        Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(10);

    public static Task DefaultTimeout(this Task task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        WithTimeoutAsync(task, file, line);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        WithTimeoutAsync(task, file, line);

    public static Task DefaultTimeout(this ValueTask task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        WithTimeoutAsync(task.AsTask(), file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        WithTimeoutAsync(task.AsTask(), file, line);

    private static async Task WithTimeoutAsync(Task task, string? file, int line)
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

    private static async Task<T> WithTimeoutAsync<T>(Task<T> task, string? file, int line)
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
        new($"Timed out after {DefaultTimeoutDuration.TotalSeconds} s awaiting at {Path.GetFileName(file)}:{line}.", inner);
}
