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
        if (name!.StartsWith("member:", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("channel:", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith(ClientPrefix, StringComparison.OrdinalIgnoreCase))
        {
            error = "event names starting with 'member:', 'channel:' or 'client-' are reserved";
            return false;
        }

        return true;
    }

    internal static bool IsWellFormed(string? name, int maxLength, out string? error)
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
            if (!ChannelName.IsValidChar(c) && c is not (':' or '/' or '\\'))
            {
                error = "the event name may only contain letters, digits and _ - = @ , . ; : / \\";
                return false;
            }
        }

        error = null;
        return true;
    }
}
