using Microsoft.Extensions.Options;
using SignalRChannels.Internal;

namespace SignalRChannels.Persistence;

/// <summary>
/// What a subscribe learns from history: the stream position, or, when the client sent the position it had,
/// the events it missed (all of them with <c>recovered: true</c>, or none).
/// </summary>
internal sealed class ChannelPositions(
    ChannelRegistry registry,
    IChannelEventStore history,
    IOptions<ChannelsOptions> options,
    EmptyStreamKeeper emptyStreams,
    Diagnostics.ChannelsMetrics metrics)
{
    private readonly int _maxRecoveredEvents = options.Value.MaxRecoveredEvents;

    /// <summary>The position, or the recovery; with a filter, the missed events that pass it (with <c>prevOffset</c>).</summary>
    public async Task<SubscribeResult> ReadAsync(ChannelName name, StreamPosition? since, Subscriptions.EventFilter? filter, CancellationToken cancellationToken)
    {
        if (registry.HistoryFor(name) is null)
        {
            return new SubscribeResult { Channel = name.Value };
        }

        if (since is null)
        {
            var position = await history.GetPositionAsync(name, cancellationToken).ConfigureAwait(false);
            KeepIfEmpty(name, position);
            return new SubscribeResult { Channel = name.Value, Position = position };
        }

        var recovery = await history.RecoverAsync(name, since, _maxRecoveredEvents, cancellationToken).ConfigureAwait(false);
        metrics.Recovery(recovery.Recovered);
        KeepIfEmpty(name, recovery.Position);
        return new SubscribeResult
        {
            Channel = name.Value,
            Position = recovery.Position,
            Recovered = recovery.Recovered,
            Missed = filter is null || recovery.Events.Count == 0 ? recovery.Events : filter.Select(recovery.Events, since.Offset),
        };
    }

    private void KeepIfEmpty(ChannelName name, StreamPosition position)
    {
        if (position.Offset == 0)
        {
            emptyStreams.Track(name);
        }
    }
}
