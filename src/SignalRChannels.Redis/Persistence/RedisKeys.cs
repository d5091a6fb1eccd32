using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// The names of every Redis key the app uses, all under <see cref="ChannelsRedisOptions.Prefix"/>. Channel names
/// (<c>[A-Za-z0-9_\-=@,.;]</c>) need no escaping. Partial, so other stores can add their keys beside these.
/// </summary>
internal static partial class RedisKeys
{
    /// <summary>
    /// The keys of a channel's history, in the order the history scripts expect: the stream of events
    /// (<c>{prefix}:h:{channel}:s</c>), its newest offset (<c>…:o</c>) and its epoch (<c>…:e</c>). The channel is
    /// a hash tag, so on Redis Cluster the three share a slot and one script can touch them all.
    /// </summary>
    public static RedisKey[] History(string prefix, ChannelName channel)
    {
        var stem = $"{prefix}:h:{{{channel.Value}}}:";
        return [stem + "s", stem + "o", stem + "e", stem + "n"];
    }

    /// <summary>
    /// The key beside a channel's history keys that remembers the ids of its latest appended events that carried one
    /// (a sorted set, id by offset, <c>{prefix}:h:{channel}:i</c>), so a retried append of such an event is not appended
    /// twice. Set only by appends of events with an id; it expires with the stream.
    /// </summary>
    public static RedisKey HistoryIds(string prefix, ChannelName channel) => $"{prefix}:h:{{{channel.Value}}}:i";
}
