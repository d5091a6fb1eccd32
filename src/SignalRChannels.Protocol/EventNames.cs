namespace SignalRChannels;

/// <summary>
/// Reserved event names of wire protocol v1, and the rules for app event names.
/// </summary>
public static class EventNames
{
    /// <summary>Sent on a presence channel when a user's first connection joins it.</summary>
    public const string MemberJoined = "member:joined";

    /// <summary>Sent on a presence channel when a user's last connection leaves it.</summary>
    public const string MemberLeft = "member:left";

    /// <summary>Sent to a connection when the server removed its subscription.</summary>
    public const string Unsubscribed = "channel:unsubscribed";

    /// <summary>The prefix of client events (whispers) as delivered.</summary>
    public const string ClientPrefix = "client-";

    /// <summary>The reserved prefix of presence events.</summary>
    public const string MemberPrefix = "member:";

    /// <summary>The reserved prefix of subscription events.</summary>
    public const string ChannelPrefix = "channel:";

    /// <summary>The reserved event names the server sends: <see cref="MemberJoined"/>, <see cref="MemberLeft"/>, <see cref="Unsubscribed"/>.</summary>
    public static IReadOnlyList<string> Reserved { get; } = Array.AsReadOnly([MemberJoined, MemberLeft, Unsubscribed]);

    /// <summary>The prefixes app events may not use: <see cref="MemberPrefix"/>, <see cref="ChannelPrefix"/>, <see cref="ClientPrefix"/>.</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = Array.AsReadOnly([MemberPrefix, ChannelPrefix, ClientPrefix]);

    /// <summary>
    /// Whether <paramref name="name"/>, as delivered, is a reserved event (presence, subscription or client event)
    /// rather than an app event. The prefixes are compared exactly, as the server writes them.
    /// </summary>
    /// <param name="name">An event name as delivered.</param>
    /// <returns><see langword="true"/> for a reserved name.</returns>
    public static bool IsReserved(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith(ClientPrefix, StringComparison.Ordinal)
            || name.StartsWith(MemberPrefix, StringComparison.Ordinal)
            || name.StartsWith(ChannelPrefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// Checks an app event name: 1 to <paramref name="maxLength"/> characters of letters, digits and <c>_ - = @ , . ; : / \</c>,
    /// and no reserved prefix (<c>member:</c>, <c>channel:</c>, <c>client-</c>).
    /// </summary>
    /// <param name="name">The event name.</param>
    /// <param name="maxLength">The maximum length.</param>
    /// <param name="error">Why the name is not valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool IsValidAppEvent(string? name, int maxLength, out string? error)
    {
        if (!IsWellFormed(name, maxLength, out error))
        {
            return false;
        }

        // Case variants are refused too, as with channel kind prefixes: "Client-x" must not pass for "client-x".
        if (name!.StartsWith(MemberPrefix, StringComparison.OrdinalIgnoreCase)
            || name.StartsWith(ChannelPrefix, StringComparison.OrdinalIgnoreCase)
            || name.StartsWith(ClientPrefix, StringComparison.OrdinalIgnoreCase))
        {
            error = "event names starting with 'member:', 'channel:' or 'client-' are reserved";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Checks the form of an event name without the reserved-prefix rule: 1 to <paramref name="maxLength"/>
    /// characters of letters, digits and <c>_ - = @ , . ; : / \</c>.
    /// </summary>
    /// <param name="name">The event name.</param>
    /// <param name="maxLength">The maximum length.</param>
    /// <param name="error">Why the name is not valid.</param>
    /// <returns><see langword="true"/> when the name is well formed.</returns>
    public static bool IsWellFormed(string? name, int maxLength, out string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "the event name is empty";
            return false;
        }

        if (name.Length > maxLength)
        {
            error = $"the event name is longer than {maxLength} characters";
            return false;
        }

        foreach (var c in name)
        {
            if (!ChannelNameRules.IsValidChar(c) && c is not (':' or '/' or '\\'))
            {
                error = "the event name may only contain letters, digits and _ - = @ , . ; : / \\";
                return false;
            }
        }

        error = null;
        return true;
    }
}
