using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Pipeline;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// When the pub/sub connection to Redis comes back, runs <see cref="HistoryResync"/>: messages the backplane lost
/// while Redis was away are then noticed by subscribers at once, not only when the channel's next event comes.
/// </summary>
internal sealed partial class BackplaneResyncService(
    RedisConnection redis,
    HistoryResync resync,
    IOptions<PresenceOptions> presence,
    TimeProvider timeProvider,
    ILogger<BackplaneResyncService> logger) : BackgroundService
{
    private readonly Channel<bool> _restored = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var multiplexer = await redis.GetAsync().ConfigureAwait(false);
        multiplexer.ConnectionRestored += OnRestored;
        try
        {
            await foreach (var _ in _restored.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                // StackExchange.Redis subscribes the backplane's channels again after the restore; one heartbeat interval
                // later, events published before that are older than the one handed out, so their holes show too.
                await Task.Delay(presence.Value.HeartbeatInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                try
                {
                    Log.Resynced(logger, await resync.ResyncAsync(stoppingToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.ResyncFailed(logger, ex);
                }
            }
        }
        finally
        {
            multiplexer.ConnectionRestored -= OnRestored;
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _restored.Writer.TryWrite(true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Redis pub/sub is back; handed the newest event of each history channel to {Count} local subscriptions.")]
        public static partial void Resynced(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "Handing out the newest history events after a Redis reconnect failed; subscribers notice missed events at the channel's next event.")]
        public static partial void ResyncFailed(ILogger logger, Exception exception);
    }
}
