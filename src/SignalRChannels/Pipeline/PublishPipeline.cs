using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// The one path every event takes from a publisher to subscribers: server publishes, whispers and presence
/// notices alike. It stamps the envelope once, appends it to the channel's history when history is on
/// (which assigns the offset), and hands it to SignalR's group send, which serializes it once per hub
/// protocol (not per recipient), locally and through the Redis backplane.
/// </summary>
internal sealed class PublishPipeline(
    HubClientsAccessor hubs,
    ChannelRegistry registry,
    IChannelEventStore eventStore,
    Diagnostics.ChannelsMetrics metrics,
    TimeProvider timeProvider)
{
    // Striped per-channel locks: on one node, history events leave in offset order. The lock covers the
    // append and the *start* of the send (the backplane and local writes keep call order), not its completion.
    private readonly SemaphoreSlim[] _channelLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task PublishAsync(
        ChannelName channel,
        string eventName,
        JsonElement data,
        string? from,
        string? excludedConnectionId,
        CancellationToken cancellationToken,
        bool persist = true)
    {
        var envelope = new ChannelEvent
        {
            Channel = channel.Value,
            Event = eventName,
            Data = data,
            Timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            From = from,
        };

        var policy = persist ? registry.HistoryFor(channel) : null;
        metrics.Published(channel, clientEvent: from is not null, persisted: policy is not null);
        if (policy is null)
        {
            await FanOutAsync(channel, envelope, excludedConnectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        Task sending;
        var channelLock = _channelLocks[(StringComparer.Ordinal.GetHashCode(channel.Value) & int.MaxValue) % _channelLocks.Length];
        await channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            envelope = await eventStore.AppendAsync(channel, envelope, policy, cancellationToken).ConfigureAwait(false);
            sending = FanOutAsync(channel, envelope, excludedConnectionId, CancellationToken.None);
        }
        finally
        {
            channelLock.Release();
        }

        await sending.ConfigureAwait(false);
    }

    private Task FanOutAsync(ChannelName channel, ChannelEvent envelope, string? excludedConnectionId, CancellationToken cancellationToken)
    {
        var group = ChannelGroups.For(channel);
        var clients = hubs.Clients;
        var target = excludedConnectionId is null
            ? clients.Group(group)
            : clients.GroupExcept(group, [excludedConnectionId]);
        return target.SendAsync(ChannelEvent.ClientMethodName, envelope, cancellationToken);
    }
}
