using StackExchange.Redis;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// Every Redis key of the query API's counts, in one place. All keys start with <c>{prefix}:q:</c>:
/// <list type="table">
/// <item><term><c>{prefix}:q:nodes</c></term><description>hash: node id → its channel connections</description></item>
/// <item><term><c>{prefix}:q:n:{nodeId}:channels</c></term><description>hash: channel → subscriptions on that node</description></item>
/// <item><term><c>{prefix}:q:n:{nodeId}:users</c></term><description>hash: user id → JSON object of the user's connections on that node (connection id → info)</description></item>
/// </list>
/// </summary>
/// <remarks>
/// A node's entries live under its presence lease (<c>{prefix}:p:leases</c>): queries read live nodes only, and the
/// presence sweep that claims a dead node deletes its entries in the same script.
/// </remarks>
internal static class OccupancyRedisKeys
{
    public static RedisKey Nodes(string prefix) => prefix + ":q:nodes";

    public static RedisKey Channels(string prefix, string nodeId) => prefix + ":q:n:" + nodeId + ":channels";

    public static RedisKey Users(string prefix, string nodeId) => prefix + ":q:n:" + nodeId + ":users";
}
