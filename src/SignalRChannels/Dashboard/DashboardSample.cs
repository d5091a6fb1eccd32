namespace SignalRChannels.Dashboard;

/// <summary>
/// What one node publishes to the dashboard channel per interval (camelCase JSON). Every node sends its own counters;
/// the node that sorts first among the live nodes also sends the cluster-wide view, read from <see cref="IChannelsQuery"/>.
/// </summary>
internal sealed record DashboardSample(
    string Node,
    long At,
    long Connections,
    long Published,
    long MessagesSent,
    double? PublishRate,
    double? DeliveryRate,
    double? RttAverageMs,
    double? RttMaxMs,
    int RttReports,
    DashboardCluster? Cluster);

/// <summary>The cluster-wide part of a sample; the dashboard channel itself is left out of the channel figures.</summary>
internal sealed record DashboardCluster(
    IReadOnlyList<DashboardNode> Nodes,
    long Watchers,
    int OccupiedChannels,
    int PublicChannels,
    int PrivateChannels,
    int PresenceChannels,
    long Subscriptions,
    IReadOnlyList<DashboardChannelFigures> TopChannels,
    IReadOnlyList<DashboardChannelFigures> TopPresence);

internal sealed record DashboardNode(string Id, long Connections, long LeaseRenewedAt);

internal sealed record DashboardChannelFigures(string Channel, long Subscriptions, int? Users);
