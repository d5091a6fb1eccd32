using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// Sends <c>Heartbeat</c> calls every <see cref="ChannelsClientOptions.HeartbeatInterval"/> while connected and keeps
/// the last measured round-trip time.
/// </summary>
internal sealed class HeartbeatMonitor(IChannelsConnection connection, TimeSpan? interval, TimeProvider timeProvider, ILogger logger)
{
    private CancellationTokenSource? _cancellation;
    private long _roundTripTicks = -1;

    /// <summary>The round-trip time of the last answered heartbeat, or <see langword="null"/>.</summary>
    public TimeSpan? RoundTripTime => Interlocked.Read(ref _roundTripTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Starts beating on the new connection (stopping a loop left from a previous one); does nothing with heartbeats off.</summary>
    public void Start()
    {
        if (interval is not { } every)
        {
            return;
        }

        var cancellation = new CancellationTokenSource();
        Interlocked.Exchange(ref _cancellation, cancellation)?.Cancel();
        _ = LoopAsync(every, cancellation.Token);
    }

    public void Stop() => Interlocked.Exchange(ref _cancellation, null)?.Cancel();

    /// <summary>Beats at once, then every interval, one at a time, until the connection closes or the server refuses.</summary>
    private async Task LoopAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(every, timeProvider);
            do
            {
                if (!await BeatAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> BeatAsync(CancellationToken cancellationToken)
    {
        // The server records the previous measurement (it bounds the value to 10 minutes).
        double? previous = RoundTripTime is { } rtt ? Math.Min(rtt.TotalMilliseconds, 600_000) : null;
        var started = timeProvider.GetTimestamp();
        try
        {
            await connection.InvokeAsync<long>(ChannelHubMethods.Heartbeat, [previous], cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            // The method is optional: a server without it answers with an error, and is never asked again on this connection.
            ChannelsClientLog.HeartbeatRefused(logger, ex.Message);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The connection went away; closing it cancels this loop, and the next connection starts a new one.
            ChannelsClientLog.HeartbeatFailed(logger, ex);
            return true;
        }

        Interlocked.Exchange(ref _roundTripTicks, timeProvider.GetElapsedTime(started).Ticks);
        return true;
    }
}
