using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SignalRChannels.Specification.Tests.Infrastructure;

/// <summary>
/// Waits for state that changes with real time and has no signal, such as a Redis key expiring: checks a condition
/// every few milliseconds until it holds, failing after <see cref="TaskTimeoutExtensions.DefaultTimeoutDuration"/>.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(20);

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
                    $"'{description}' did not hold within {TaskTimeoutExtensions.DefaultTimeoutDuration.TotalSeconds} s ({Path.GetFileName(file)}:{line}).");
            }

            await Task.Delay(s_interval);
        }
    }
}
