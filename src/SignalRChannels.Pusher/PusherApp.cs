namespace SignalRChannels.Pusher;

/// <summary>
/// One Pusher app: clients connect with its <see cref="ChannelsAppCredentials.Key"/>, publishers sign HTTP API
/// requests and auth endpoints sign channel subscriptions with its <see cref="ChannelsAppCredentials.Secret"/>.
/// </summary>
public sealed class PusherApp : ChannelsAppCredentials
{
    /// <summary>
    /// Optional: the base64 of a 32-byte master key for <c>private-encrypted-</c> channels. When set, the
    /// <c>/broadcasting/auth</c> endpoint answers with the channel's <c>shared_secret</c> (SHA-256 of the channel name
    /// and this key, as the Pusher server SDKs derive it). The server relays encrypted events without reading them.
    /// </summary>
    public string? EncryptionMasterKeyBase64 { get; set; }

    /// <summary>
    /// Optional: URLs that get this app's webhooks (<c>channel_occupied</c>, <c>channel_vacated</c>,
    /// <c>member_added</c>, <c>member_removed</c>, <c>client_event</c>) for its own channels, under its Pusher channel
    /// names, signed with its key and secret. Batching, retries, the queue bound and the event filter are
    /// <c>WebhookOptions</c>' (set them with <c>AddWebhooks</c>, whose own <c>Urls</c> may then stay empty).
    /// </summary>
    public IList<Uri> WebhookUrls { get; } = [];
}
