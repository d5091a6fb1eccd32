using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Persistence;

/// <summary>
/// Keeps the epoch of a never-published history channel alive while this node has a subscriber of it. Stores keep
/// such an epoch for only <see cref="StreamEpoch.EmptyStreamTtl"/> after it was last read, so subscribing to many
/// channels that are never published to leaves no lasting state; but a subscriber must still get the epoch it was
/// told when the first event comes, however long that takes, or it would report a gap that is not one. Costs one
/// store call per such channel per quarter of the TTL, none for channels that have events.
/// </summary>
internal sealed partial class EmptyStreamKeeper(
    ConnectionRegistry connections,
    IChannelEventStore history,
    TimeProvider timeProvider,
    ILogger<EmptyStreamKeeper> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<ChannelName, byte> _channels = new();

    /// <summary>How many channels are kept now.</summary>
    public int Count => _channels.Count;

    /// <summary>Notes that a subscriber of this node was given an empty stream's position.</summary>
    public void Track(ChannelName channel) => _channels.TryAdd(channel, 0);

    /// <summary>Reads the position of every kept channel that still has a subscriber here, which renews its epoch.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (_channels.IsEmpty)
        {
            return;
        }

        var subscribed = connections.SubscribedChannels();
        foreach (var channel in _channels.Keys)
        {
            // A channel is dropped before its read: a subscribe meanwhile tracks it again.
            if (!subscribed.Contains(channel))
            {
                _channels.TryRemove(channel, out _);
                continue;
            }

            var position = await history.GetPositionAsync(channel, cancellationToken).ConfigureAwait(false);
            if (position.Offset > 0)
            {
                // Published to: the stream now lives by its history policy.
                _channels.TryRemove(channel, out _);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StreamEpoch.EmptyStreamTtl / 4, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RenewAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The store may be away; the next tick tries again, well within the TTL.
                Log.RenewFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(45, LogLevel.Warning, "Renewing the epochs of empty history streams failed; retrying at the next interval.")]
        public static partial void RenewFailed(ILogger logger, Exception exception);
    }
}
