namespace SignalRChannels;

/// <summary>
/// A connection feature through which a protocol gateway (such as the Pusher protocol endpoint) hands the core
/// subscriptions it has already authorized by its own means, for example a verified Pusher channel signature.
/// When a connection's features carry it and it holds a grant for the exact channel asked for, the subscription is
/// allowed with the granted presence member and no authorization route runs.
/// </summary>
/// <remarks>
/// Only server code can put a feature on a connection; no client can set it. Presence channels still need a
/// member: a grant without one is denied like a presence route that returns null.
/// </remarks>
public interface IChannelGrantFeature
{
    /// <summary>Looks up a grant for a channel.</summary>
    /// <param name="channel">The channel being subscribed.</param>
    /// <param name="member">The presence member the grant names; <see langword="null"/> for private and public channels.</param>
    /// <returns><see langword="true"/> when the channel is granted.</returns>
    bool TryGetGrant(ChannelName channel, out PresenceMember? member);
}
