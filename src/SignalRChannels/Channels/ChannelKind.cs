namespace SignalRChannels;

/// <summary>
/// The kind of a channel, encoded in its name's prefix as in Pusher and Laravel Broadcasting.
/// </summary>
public enum ChannelKind
{
    /// <summary>Any name without a kind prefix. Anyone may subscribe.</summary>
    Public = 0,

    /// <summary>A name starting with <c>private-</c>. Subscribers must be authorized by a route.</summary>
    Private = 1,

    /// <summary>A name starting with <c>presence-</c>. Authorized like private channels, and members are tracked.</summary>
    Presence = 2,
}
