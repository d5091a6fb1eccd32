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
    // Per channel stripe: the send of one history event starts only after the send of the event appended
    // before it has started. Appends are issued in call order under the stripe's lock and are not awaited there,
    // so a channel's appends pipeline (Redis answers in command order) while its sends still leave a node in
    // offset order. Clients reorder anyway (docs/guarantees.md); this keeps the common case in order for free.
    private const int Stripes = 64;
    private readonly object[] _stripeLocks = Enumerable.Range(0, Stripes).Select(_ => new object()).ToArray();
    private readonly Task[] _sendsStarted = Enumerable.Repeat(Task.CompletedTask, Stripes).ToArray();

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

        Task<Task> sendStarted;
        var stripe = (StringComparer.Ordinal.GetHashCode(channel.Value) & int.MaxValue) % Stripes;
        lock (_stripeLocks[stripe])
        {
            var appended = eventStore.AppendAsync(channel, envelope, policy, cancellationToken).AsTask();
            sendStarted = SendAfterAsync(_sendsStarted[stripe], appended, channel, excludedConnectionId);
            _sendsStarted[stripe] = sendStarted;
        }

        var sending = await sendStarted.ConfigureAwait(false);
        await sending.ConfigureAwait(false);
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
