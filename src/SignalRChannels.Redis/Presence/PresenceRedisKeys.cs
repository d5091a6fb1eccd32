using StackExchange.Redis;

namespace SignalRChannels.Redis.Presence;

/// <summary>
/// Every Redis key of presence, in one place. All keys start with <c>{prefix}:p:</c>:
/// <list type="table">
/// <item><term><c>{prefix}:p:leases</c></term><description>sorted set: node id → its last heartbeat (Unix ms); a negative score marks a node being swept since minus that time</description></item>
/// <item><term><c>{prefix}:p:n:{nodeId}</c></term><description>set: the node's connections, as <c>{channel}\n{connectionId}</c></description></item>
/// <item><term><c>{prefix}:p:c:{{channel}}:conns</c></term><description>hash: connection id → member id</description></item>
/// <item><term><c>{prefix}:p:c:{{channel}}:counts</c></term><description>hash: member id → number of connections</description></item>
/// <item><term><c>{prefix}:p:c:{{channel}}:info</c></term><description>hash: member id → info (UTF-8 JSON)</description></item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// The channel's keys share the hash tag <c>{channel}</c> (written <c>{{channel}}</c> above: the inner braces are part of
/// the key, for example <c>app:p:c:{presence-chat.1}:conns</c>), so on Redis Cluster they
/// live in one slot and one script can change them together; the scripts touch nothing else. The node set and the
/// leases are single keys, written by their own commands beside the scripts.
/// </para>
/// <para>
/// Valid channel names contain neither <c>:</c>, braces nor a line feed, so a channel key cannot collide with another
/// channel's, and <c>{channel}\n{connectionId}</c> splits at the first line feed whatever the connection id holds.
/// </para>
/// </remarks>
internal static class PresenceRedisKeys
{
    public const char EntrySeparator = '\n';

    public static RedisKey Leases(string prefix) => prefix + ":p:leases";

    public static RedisKey Node(string prefix, string nodeId) => prefix + ":p:n:" + nodeId;

    /// <summary>The KEYS of the channel scripts of <see cref="PresenceRedisScripts"/>: conns, counts, info, in one slot.</summary>
    public static RedisKey[] Channel(string prefix, ChannelName channel)
    {
        var stem = $"{prefix}:p:c:{{{channel.Value}}}:";
        return [stem + "conns", stem + "counts", stem + "info"];
    }

    public static RedisKey Connections(string prefix, ChannelName channel) => $"{prefix}:p:c:{{{channel.Value}}}:conns";

    public static RedisKey Counts(string prefix, ChannelName channel) => $"{prefix}:p:c:{{{channel.Value}}}:counts";

    public static RedisKey Info(string prefix, ChannelName channel) => $"{prefix}:p:c:{{{channel.Value}}}:info";

    /// <summary>A node's record of one of its connections.</summary>
    public static string NodeEntry(ChannelName channel, string connectionId) => channel.Value + EntrySeparator + connectionId;

    /// <summary>Splits a <see cref="NodeEntry"/> into its channel and connection id.</summary>
    public static (string Channel, string ConnectionId) ParseNodeEntry(string entry)
    {
        var separator = entry.IndexOf(EntrySeparator, StringComparison.Ordinal);
        return separator < 0 ? (entry, string.Empty) : (entry[..separator], entry[(separator + 1)..]);
    }
}
