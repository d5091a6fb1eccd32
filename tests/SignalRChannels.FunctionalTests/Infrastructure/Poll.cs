using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// Waits for server-side state that has no signal of its own (for example bookkeeping after a disconnect):
/// checks a condition until it holds, failing after <see cref="TaskTimeoutExtensions.DefaultTimeoutDuration"/>.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(10);

    public static async Task UntilAsync(
        Func<bool> condition,
        string description,
        [CallerFilePath] string? file = null,
        [CallerLineNumber] int line = 0)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
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
