namespace SignalRChannels.Pusher;

/// <summary>
/// The credentials of one Pusher app: clients connect with its <see cref="Key"/>, publishers sign HTTP API requests
/// and auth endpoints sign channel subscriptions with its <see cref="Secret"/>.
/// </summary>
public sealed class PusherApp
{
    /// <summary>The app id, used in HTTP API paths (<c>/apps/{id}/events</c>): letters, digits, <c>-</c> and <c>_</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The public key that clients put in the WebSocket URL (<c>/app/{key}</c>).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The shared secret; never sent to clients.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>
    /// Optional: the base64 of a 32-byte master key for <c>private-encrypted-</c> channels. When set, the
    /// <c>/broadcasting/auth</c> endpoint answers with the channel's <c>shared_secret</c> (SHA-256 of the channel name
    /// and this key, as the Pusher server SDKs derive it). The server relays encrypted events without reading them.
    /// </summary>
    public string? EncryptionMasterKeyBase64 { get; set; }
}
