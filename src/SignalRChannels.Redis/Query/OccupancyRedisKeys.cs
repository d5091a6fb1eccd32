using StackExchange.Redis;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// Every Redis key of the query API's counts, in one place. Each node has three keys, which share the hash tag
/// <c>{nodeId}</c> (the braces are part of the key: <c>app:q:n:{node-a}:channels</c>), so on Redis Cluster they live
/// in one slot and one script writes them together:
/// <list type="table">
/// <item><term><c>{prefix}:q:n:{{nodeId}}:connections</c></term><description>string: the node's channel connections</description></item>
/// <item><term><c>{prefix}:q:n:{{nodeId}}:channels</c></term><description>hash: channel → subscriptions on that node</description></item>
/// <item><term><c>{prefix}:q:n:{{nodeId}}:users</c></term><description>hash: user id → JSON object of the user's connections on that node (connection id → info)</description></item>
/// </list>
/// </summary>
/// <remarks>
/// A node's entries live under its presence lease (<c>{prefix}:p:leases</c>): queries read live nodes only, and the
/// presence sweep that claims a dead node deletes its entries.
/// With webhooks, one more key per occupied channel says which nodes hold it, so that occupancy transitions are decided
/// once cluster-wide: <c>{prefix}:q:c:{{channel}}:nodes</c>, a hash node id → 1 under the channel's hash tag
/// (<see cref="OccupancyRedisScripts.Mark"/>), and per node the channels it is marked in (<see cref="Marked"/>); the
/// sweep of a dead node removes it from those channels.
/// </remarks>
internal static class OccupancyRedisKeys
{
    public static RedisKey Connections(string prefix, string nodeId) => Stem(prefix, nodeId) + "connections";

    public static RedisKey Channels(string prefix, string nodeId) => Stem(prefix, nodeId) + "channels";

    public static RedisKey Users(string prefix, string nodeId) => Stem(prefix, nodeId) + "users";

    /// <summary>The node's keys, in the order of the KEYS of <see cref="OccupancyRedisScripts"/>: connections, channels, users.</summary>
    public static RedisKey[] Node(string prefix, string nodeId) => [Connections(prefix, nodeId), Channels(prefix, nodeId), Users(prefix, nodeId)];

    /// <summary>
    /// With webhooks: set of the channels this node has marked itself in (<see cref="ChannelNodes"/>), beside its other
    /// keys: added by the count scripts when the node starts holding a channel, removed only after the node unmarked
    /// it, so the sweep of a dead node unmarks every channel it may still be marked in.
    /// </summary>
    public static RedisKey Marked(string prefix, string nodeId) => Stem(prefix, nodeId) + "marked";

    /// <summary>The nodes that hold a channel (written only with webhooks).</summary>
    public static RedisKey ChannelNodes(string prefix, string channel) => $"{prefix}:q:c:{{{channel}}}:nodes";

    private static string Stem(string prefix, string nodeId) => $"{prefix}:q:n:{{{nodeId}}}:";
}
