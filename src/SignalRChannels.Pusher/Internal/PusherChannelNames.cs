namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// Maps an app's Pusher channel names to core channel names. The default app's names are the core's names; any other
/// app's channels live in their own namespace, <c>&lt;kind prefix&gt;&lt;app id&gt;@&lt;rest&gt;</c>, so two apps never share a channel.
/// </summary>
internal static class PusherChannelNames
{
    private const string PrivatePrefix = "private-";
    private const string PresencePrefix = "presence-";

    public static bool TryToCore(PusherApp app, bool isDefault, string? pusherName, int maxLength, out ChannelName name, out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(pusherName))
        {
            error = "the channel name is missing";
            return false;
        }

        var coreName = pusherName;
        if (!isDefault)
        {
            var prefix = pusherName.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? PrivatePrefix
                : pusherName.StartsWith(PresencePrefix, StringComparison.Ordinal) ? PresencePrefix
                : string.Empty;
            coreName = string.Concat(prefix, app.Id, "@", pusherName.AsSpan(prefix.Length));
            maxLength += app.Id.Length + 1;
        }

        return ChannelName.TryParse(coreName, maxLength, out name, out error);
    }

    public static string ToPusher(PusherApp app, bool isDefault, string coreName)
    {
        if (isDefault)
        {
            return coreName;
        }

        var prefix = coreName.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? PrivatePrefix
            : coreName.StartsWith(PresencePrefix, StringComparison.Ordinal) ? PresencePrefix
            : string.Empty;
        var marker = prefix + app.Id + "@";
        return coreName.StartsWith(marker, StringComparison.Ordinal) ? prefix + coreName[marker.Length..] : coreName;
    }
}
