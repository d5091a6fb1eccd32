using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Testing;

/// <summary>
/// Waits for state that has no signal of its own (bookkeeping after a disconnect, a Redis key expiring):
/// checks a condition until it holds, failing after <see cref="TaskTimeoutExtensions.DefaultTimeoutDuration"/>.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(10);

    public static Task UntilAsync(
        Func<bool> condition,
        string description,
        [CallerFilePath] string? file = null,
        [CallerLineNumber] int line = 0) =>
        UntilAsync(() => Task.FromResult(condition()), description, file, line);

    /// <summary>The same, for a condition that must ask something (for example whether a Redis key still exists).</summary>
    public static async Task UntilAsync(
        Func<Task<bool>> condition,
        string description,
        [CallerFilePath] string? file = null,
        [CallerLineNumber] int line = 0)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition().DefaultTimeout(file, line))
        {
            if (elapsed.Elapsed > TaskTimeoutExtensions.DefaultTimeoutDuration)
            {
                throw new TimeoutException(
                    $"Condition '{description}' did not hold within {TaskTimeoutExtensions.DefaultTimeoutDuration.TotalSeconds} s ({Path.GetFileName(file)}:{line}).");
            }

            await Task.Delay(s_interval);
        }
    }
}
