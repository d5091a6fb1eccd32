namespace SignalRChannels;

/// <summary>
/// The credentials of one app that talks to the server over HTTP: an <see cref="Id"/> in paths, a public
/// <see cref="Key"/> that names it, and a <see cref="Secret"/> that signs. The Pusher endpoint's apps are these (its
/// HTTP API checks Pusher request signatures with them); webhooks sign what they send with the same pair.
/// </summary>
public class ChannelsAppCredentials
{
    /// <summary>The app id, used in HTTP API paths (<c>/apps/{id}/events</c>): letters, digits, <c>-</c> and <c>_</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The public key (Pusher clients put it in the WebSocket URL, <c>/app/{key}</c>; signed requests carry it as <c>auth_key</c>).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The shared secret; never sent to clients.</summary>
    public string Secret { get; set; } = string.Empty;
}
