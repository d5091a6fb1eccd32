using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections.Features;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Query;

/// <summary>Builds a connection's <see cref="ChannelsConnectionInfo"/> from what its transport exposes.</summary>
internal static class ConnectionDescriber
{
    public static ChannelsConnectionInfo Describe(ChannelCaller caller, string nodeId, DateTimeOffset now)
    {
        var features = caller.Hub?.Features;
        if (features?.Get<ConnectionTransportFeature>() is { } bridged)
        {
            return New(caller, nodeId, now, bridged.Transport, bridged.Protocol);
        }

        var transport = features?.Get<IHttpTransportFeature>()?.TransportType.ToString().ToLowerInvariant() ?? "unknown";
        // SignalR sets the transfer format of the negotiated hub protocol; channel hubs speak JSON (text) or MessagePack (binary).
        var protocol = features?.Get<ITransferFormatFeature>()?.ActiveFormat switch
        {
            Microsoft.AspNetCore.Connections.TransferFormat.Binary => "messagepack",
            Microsoft.AspNetCore.Connections.TransferFormat.Text => "json",
            _ => null,
        };
        return New(caller, nodeId, now, transport, protocol);
    }

    private static ChannelsConnectionInfo New(ChannelCaller caller, string nodeId, DateTimeOffset now, string transport, string? protocol) => new()
    {
        ConnectionId = caller.ConnectionId,
        UserId = caller.UserId,
        NodeId = nodeId,
        ConnectedAt = now,
        Transport = transport,
        Protocol = protocol,
    };
}
