using System.Collections.Concurrent;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Internal;

/// <summary>
/// All naming of SignalR groups in one place: one group per channel for unfiltered subscriptions, and one per
/// channel and event filter for filtered ones (so unwanted events are never sent to them).
/// </summary>
internal static class ChannelGroups
{
    // The prefixes keep channel groups apart from groups an app uses on the same hub.
    private const string Prefix = "ch:";
    private const string FilteredPrefix = "chf:";

    /// <summary>How many channels' group names are kept before the cache starts over.</summary>
    internal const int CachedNames = 10_000;

    // Every publish asks for its channel's group: a lookup is cheaper than building the name and allocates nothing
    // (GroupNameBenchmarks: 10 vs 13 ns and 0 vs 64 B at 16 characters). Bounded by starting over when full, so channels
    // that come and go cannot grow it, and the names in use come back on their next publish.
    private static readonly ConcurrentDictionary<string, string> s_groups = new(StringComparer.Ordinal);
    private static int s_added;

    /// <summary>The group of a channel's unfiltered subscribers, <c>ch:{channel}</c>.</summary>
    public static string For(ChannelName channel)
    {
        if (s_groups.TryGetValue(channel.Value, out var group))
        {
            return group;
        }

        group = Prefix + channel.Value;
        if (Interlocked.Increment(ref s_added) > CachedNames)
        {
            s_groups.Clear();
            Volatile.Write(ref s_added, 1);
        }

        s_groups.TryAdd(channel.Value, group);
        return group;
    }

    /// <summary>The group of the channel's subscribers with <paramref name="filter"/> (or the unfiltered group for none).</summary>
    public static string For(ChannelName channel, EventFilter? filter) =>
        filter is null ? For(channel) : FilteredPrefix + filter.Key + ":" + channel.Value;

    /// <summary>How many group names are cached now (for tests).</summary>
    internal static int CachedCount => s_groups.Count;
}
