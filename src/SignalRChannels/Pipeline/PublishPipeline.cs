using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// The one path every event takes from a publisher to subscribers: server publishes and whispers alike.
/// It stamps the envelope once and hands it to SignalR's group send, which serializes it once per hub
/// protocol (not per recipient), locally and through the Redis backplane.
/// </summary>
internal sealed class PublishPipeline(HubClientsAccessor hubs, TimeProvider timeProvider)
{
    public Task PublishAsync(
        ChannelName channel,
        string eventName,
        JsonElement data,
        string? from,
        string? excludedConnectionId,
        CancellationToken cancellationToken)
    {
        var envelope = new ChannelEvent
        {
            Channel = channel.Value,
            Event = eventName,
            Data = data,
            Timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            From = from,
        };

        return FanOutAsync(channel, envelope, excludedConnectionId, cancellationToken);
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
