using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Presence;

namespace SignalRChannels.Heartbeat;

/// <summary>
/// Every <see cref="PresenceOptions.HeartbeatInterval"/>: renews this node's presence lease (a constant number
/// of store commands, whatever the number of connections), sweeps the members (and counts) of dead nodes, and lets
/// the node's occupancy check its stored counts (one command).
/// </summary>
internal sealed partial class PresenceHeartbeatService(
    PresenceTracker tracker,
    Query.NodeOccupancy occupancy,
    IOptions<PresenceOptions> options,
    TimeProvider timeProvider,
    ILogger<PresenceHeartbeatService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, timeProvider);
        do
        {
            try
            {
                await tracker.HeartbeatAsync(stoppingToken).ConfigureAwait(false);
                // Queued, not awaited: a slow Redis must never delay the next lease renewal.
                _ = occupancy.CheckAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis may be away for a while; the next tick tries again.
                Log.HeartbeatFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "The presence heartbeat failed; retrying at the next interval.")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception);
    }
}
