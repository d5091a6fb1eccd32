namespace SignalRChannels.Internal;

/// <summary>All naming of SignalR groups in one place: one group per channel.</summary>
internal static class ChannelGroups
{
    // The prefix keeps channel groups apart from groups an app uses on the same hub.
    private const string Prefix = "ch:";

    public static string For(ChannelName channel) => Prefix + channel.Value;
}
