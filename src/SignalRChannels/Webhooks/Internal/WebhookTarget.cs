namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// Who gets webhooks, signed how, under which channel names: <c>AddWebhooks</c>' URLs with its credentials and the core's
/// names, or one Pusher app's URLs with that app's credentials and names (events of other apps' channels are skipped).
/// </summary>
/// <param name="Credentials">Key and secret that sign the batches.</param>
/// <param name="Urls">Where the batches go.</param>
/// <param name="ToExternal">The receiver's name of a core channel, or null when the channel is not the receiver's.</param>
internal sealed record WebhookTarget(ChannelsAppCredentials Credentials, IReadOnlyList<Uri> Urls, Func<string, string?> ToExternal);
