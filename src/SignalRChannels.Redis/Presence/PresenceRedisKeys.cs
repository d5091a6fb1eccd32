using StackExchange.Redis;

namespace SignalRChannels.Redis.Presence;

/// <summary>
/// Every Redis key of presence, in one place. All keys start with <c>{prefix}:p:</c>:
/// <list type="table">
/// <item><term><c>{prefix}:p:leases</c></term><description>sorted set: node id → its last heartbeat (Unix ms)</description></item>
/// <item><term><c>{prefix}:p:n:{nodeId}</c></term><description>set: the node's connections, as <c>{channel}\n{connectionId}</c></description></item>
/// <item><term><c>{prefix}:p:c:{channel}:conns</c></term><description>hash: connection id → member id</description></item>
/// <item><term><c>{prefix}:p:c:{channel}:counts</c></term><description>hash: member id → number of connections</description></item>
/// <item><term><c>{prefix}:p:c:{channel}:info</c></term><description>hash: member id → info (UTF-8 JSON)</description></item>
/// </list>
/// </summary>
/// <remarks>
/// Valid channel names contain neither <c>:</c> nor a line feed, so a channel key cannot collide with another
/// channel's, and <c>{channel}\n{connectionId}</c> splits at the first line feed whatever the connection id holds.
/// The sweep script builds channel keys itself from <see cref="ChannelKeyPrefix"/> and the suffixes below.
/// </remarks>
internal static class PresenceRedisKeys
{
    public const string ConnectionsSuffix = ":conns";
    public const string CountsSuffix = ":counts";
    public const string InfoSuffix = ":info";
    public const char EntrySeparator = '\n';

    public static RedisKey Leases(string prefix) => prefix + ":p:leases";

    public static RedisKey Node(string prefix, string nodeId) => prefix + ":p:n:" + nodeId;

    public static string ChannelKeyPrefix(string prefix) => prefix + ":p:c:";

    public static RedisKey Connections(string prefix, ChannelName channel) => ChannelKeyPrefix(prefix) + channel.Value + ConnectionsSuffix;

    public static RedisKey Counts(string prefix, ChannelName channel) => ChannelKeyPrefix(prefix) + channel.Value + CountsSuffix;

    public static RedisKey Info(string prefix, ChannelName channel) => ChannelKeyPrefix(prefix) + channel.Value + InfoSuffix;

    /// <summary>The KEYS of <see cref="PresenceRedisScripts.Sweep"/> for one dead node: its presence and its query counts.</summary>
    public static RedisKey[] SweepKeys(string prefix, string nodeId) =>
    [
        Leases(prefix),
        Node(prefix, nodeId),
        Query.OccupancyRedisKeys.Nodes(prefix),
        Query.OccupancyRedisKeys.Channels(prefix, nodeId),
        Query.OccupancyRedisKeys.Users(prefix, nodeId),
    ];

    /// <summary>A node's record of one of its connections.</summary>
    public static string NodeEntry(ChannelName channel, string connectionId) => channel.Value + EntrySeparator + connectionId;
}
