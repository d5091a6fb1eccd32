using System.Collections.Concurrent;
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
    // Per channel, the send of one history event starts only after the send of the event appended before it has
    // started. Appends are issued in call order under the channel's own lock and not awaited there, so a channel's
    // appends pipeline (Redis answers in command order) while its sends still leave a node in offset order; a slow
    // append (the store is replaceable) holds up its own channel only. Clients reorder anyway (docs/guarantees.md).
    private readonly ConcurrentDictionary<string, ChannelOrder> _orders = new(StringComparer.Ordinal);

    public async Task PublishAsync(
        ChannelName channel,
        string eventName,
        JsonElement data,
        string? from,
        string? excludedConnectionId,
        CancellationToken cancellationToken,
        bool persist = true,
        string? eventId = null,
        long? acceptedAt = null)
    {
        var envelope = new ChannelEvent
        {
            Channel = channel.Value,
            Event = eventName,
            Data = data,
            Timestamp = acceptedAt ?? timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            From = from,
            Id = eventId,
        };

        var policy = persist ? registry.HistoryFor(channel) : null;
        metrics.Published(channel, clientEvent: from is not null, persisted: policy is not null);
        if (policy is null)
        {
            await FanOutAsync(channel, envelope, excludedConnectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var order = EnterOrder(channel.Value);
        try
        {
            Task<Task> sendStarted;
            lock (order)
            {
                var appended = eventStore.AppendAsync(channel, envelope, policy, cancellationToken).AsTask();
                sendStarted = SendAfterAsync(order.LastSendStarted, appended, channel, excludedConnectionId);
                order.LastSendStarted = sendStarted;
            }

            var sending = await sendStarted.ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }
        finally
        {
            ExitOrder(channel.Value, order);
        }
    }

    /// <summary>Waits for the event's append and for the previous send to have started, then starts this send.</summary>
    private async Task<Task> SendAfterAsync(Task previousSendStarted, Task<ChannelEvent> appended, ChannelName channel, string? excludedConnectionId)
    {
        var stored = await appended.ConfigureAwait(false);
        try
        {
            await previousSendStarted.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The previous publish failed and reported it to its own caller; this one goes on.
        }

        return FanOutAsync(channel, stored, excludedConnectionId, CancellationToken.None);
    }

    /// <summary>
    /// Publishes several events of one channel in order (the queue worker's waiting events): on a history-enabled
    /// channel one store call appends them all, then their sends start in offset order, after the sends of earlier
    /// publishes to the channel have started. Each envelope keeps its id and timestamp.
    /// </summary>
    public async Task PublishManyAsync(ChannelName channel, IReadOnlyList<ChannelEvent> envelopes, IReadOnlyList<string?> excludedConnectionIds, CancellationToken cancellationToken)
    {
        var policy = registry.HistoryFor(channel);
        foreach (var _ in envelopes)
        {
            metrics.Published(channel, clientEvent: false, persisted: policy is not null);
        }

        if (policy is null)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                await FanOutAsync(channel, envelopes[i], excludedConnectionIds[i], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var order = EnterOrder(channel.Value);
        try
        {
            Task<Task> sendsStarted;
            lock (order)
            {
                var appended = eventStore.AppendManyAsync(channel, envelopes, policy, cancellationToken).AsTask();
                sendsStarted = SendManyAfterAsync(order.LastSendStarted, appended, channel, excludedConnectionIds);
                order.LastSendStarted = sendsStarted;
            }

            var sending = await sendsStarted.ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }
        finally
        {
            ExitOrder(channel.Value, order);
        }
    }

    private async Task<Task> SendManyAfterAsync(Task previousSendStarted, Task<IReadOnlyList<ChannelEvent>> appended, ChannelName channel, IReadOnlyList<string?> excludedConnectionIds)
    {
        var stored = await appended.ConfigureAwait(false);
        try
        {
            await previousSendStarted.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The previous publish failed and reported it to its own caller; this one goes on.
        }

        var sends = new Task[stored.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = FanOutAsync(channel, stored[i], excludedConnectionIds[i], CancellationToken.None);
        }

        return Task.WhenAll(sends);
    }

    /// <summary>The channel's order, kept only while publishes to it are in flight.</summary>
    private ChannelOrder EnterOrder(string channel)
    {
        while (true)
        {
            var order = _orders.GetOrAdd(channel, static _ => new ChannelOrder());
            lock (order)
            {
                if (order.InFlight >= 0)
                {
                    order.InFlight++;
                    return order;
                }
            }

            // Retired by its last publisher between our lookup and our lock: take the fresh one.
        }
    }

    private void ExitOrder(string channel, ChannelOrder order)
    {
        lock (order)
        {
            if (--order.InFlight == 0)
            {
                order.InFlight = -1;
                _orders.TryRemove(KeyValuePair.Create(channel, order));
            }
        }
    }

    private sealed class ChannelOrder
    {
        public int InFlight;
        public Task LastSendStarted = Task.CompletedTask;
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
