namespace SignalRChannels.Query;

/// <summary>
/// What every <see cref="IChannelsQuery"/> answers the same way: members and user counts come from the presence
/// store (cluster-wide already); subscription counts, users' connections and nodes come from the implementation.
/// </summary>
internal abstract class ChannelsQueryBase(IPresenceStore presence, Subscriptions.ConnectionRegistry connections) : IChannelsQuery
{
    public ChannelsConnectionStatistics? GetConnectionStatistics(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (!connections.TryGet(connectionId, out var connection) || connection.Info is not { } info)
        {
            return null;
        }

        var traffic = connection.Traffic;
        var heartbeat = connection.LastHeartbeat;
        return new ChannelsConnectionStatistics
        {
            Connection = info,
            Subscriptions = connection.Snapshot().Select(c => c.Value).Order(StringComparer.Ordinal).ToArray(),
            InvocationsReceived = traffic?.Invocations ?? 0,
            MessagesSent = traffic?.MessagesSent ?? 0,
            BytesReceived = traffic?.BytesReceived ?? 0,
            BytesSent = traffic?.BytesSent ?? 0,
            LastHeartbeatAt = heartbeat?.At,
            LastRoundTrip = heartbeat?.RoundTripMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }

    public abstract ValueTask<IReadOnlyList<ChannelOccupancy>> GetOccupiedChannelsAsync(string? prefix = null, CancellationToken cancellationToken = default);

    public abstract ValueTask<IReadOnlyList<ChannelsConnectionInfo>> GetUserConnectionsAsync(string userId, CancellationToken cancellationToken = default);

    public abstract ValueTask<IReadOnlyList<ChannelsNodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default);

    public async ValueTask<ChannelOccupancy> GetChannelAsync(ChannelName channel, CancellationToken cancellationToken = default)
    {
        var subscriptions = GetSubscriptionCountAsync(channel, cancellationToken);
        int? users = channel.Kind == ChannelKind.Presence
            ? await presence.GetMemberCountAsync(channel, cancellationToken).ConfigureAwait(false)
            : null;
        return new ChannelOccupancy { Channel = channel.Value, SubscriptionCount = await subscriptions.ConfigureAwait(false), UserCount = users };
    }

    public ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken = default) =>
        channel.Kind == ChannelKind.Presence
            ? presence.GetMembersAsync(channel, cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<PresenceMember>>([]);

    protected abstract ValueTask<long> GetSubscriptionCountAsync(ChannelName channel, CancellationToken cancellationToken);

    protected static IReadOnlyList<ChannelOccupancy> Ordered(IEnumerable<ChannelOccupancy> channels) =>
        channels.OrderBy(c => c.Channel, StringComparer.Ordinal).ToArray();
}
