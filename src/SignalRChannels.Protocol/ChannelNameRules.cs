namespace SignalRChannels;

/// <summary>
/// The channel kind prefixes of wire protocol v1 and the characters a channel name may contain.
/// </summary>
public static class ChannelNameRules
{
    /// <summary>The prefix of private channel names.</summary>
    public const string PrivatePrefix = "private-";

    /// <summary>The prefix of presence channel names.</summary>
    public const string PresencePrefix = "presence-";

    /// <summary>Whether <paramref name="c"/> may appear in a channel name: <c>[A-Za-z0-9_\-=@,.;]</c>.</summary>
    /// <param name="c">A character.</param>
    /// <returns><see langword="true"/> for an allowed character.</returns>
    public static bool IsValidChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '_' or '-' or '=' or '@' or ',' or '.' or ';';
}
