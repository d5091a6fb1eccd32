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
/// </remarks>
internal static class OccupancyRedisKeys
{
    public static RedisKey Connections(string prefix, string nodeId) => Stem(prefix, nodeId) + "connections";

    public static RedisKey Channels(string prefix, string nodeId) => Stem(prefix, nodeId) + "channels";

    public static RedisKey Users(string prefix, string nodeId) => Stem(prefix, nodeId) + "users";

    /// <summary>The node's keys, in the order of the KEYS of <see cref="OccupancyRedisScripts"/>: connections, channels, users.</summary>
    public static RedisKey[] Node(string prefix, string nodeId) => [Connections(prefix, nodeId), Channels(prefix, nodeId), Users(prefix, nodeId)];

    private static string Stem(string prefix, string nodeId) => $"{prefix}:q:n:{{{nodeId}}}:";
}
