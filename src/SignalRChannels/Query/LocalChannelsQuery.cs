using Microsoft.Extensions.Options;

namespace SignalRChannels.Query;

/// <summary>The in-memory default: one node, so this node's exact occupancy is the answer.</summary>
internal sealed class LocalChannelsQuery(
    NodeOccupancy occupancy,
    IPresenceStore presence,
    Subscriptions.ConnectionRegistry connections,
    IOptions<PresenceOptions> options,
    TimeProvider timeProvider) : ChannelsQueryBase(presence, connections)
{
    public override ValueTask<IReadOnlyList<ChannelOccupancy>> GetOccupiedChannelsAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Ordered(occupancy.Occupied(prefix)));
    }

    public override ValueTask<IReadOnlyList<ChannelsConnectionInfo>> GetUserConnectionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<ChannelsConnectionInfo>>(
            occupancy.ConnectionsOf(userId).OrderBy(c => c.ConnectedAt).ToArray());
    }

    public override ValueTask<IReadOnlyList<ChannelsNodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<ChannelsNodeInfo>>(
            [new ChannelsNodeInfo { NodeId = options.Value.NodeId, Connections = occupancy.Connections, LeaseRenewedAt = timeProvider.GetUtcNow() }]);
    }

    protected override ValueTask<long> GetSubscriptionCountAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(occupancy.SubscriptionsOf(channel));
    }
}
