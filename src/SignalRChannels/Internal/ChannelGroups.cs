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

    public static string For(ChannelName channel) => Prefix + channel.Value;

    public static string For(ChannelName channel, EventFilter? filter) =>
        filter is null ? For(channel) : FilteredPrefix + filter.Key + ":" + channel.Value;
}
