using Microsoft.Extensions.Options;
using SignalRChannels.Webhooks.Internal;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// One webhook target per app with <see cref="PusherApp.WebhookUrls"/>: its channels only, under its Pusher names (the
/// namespace the HTTP API uses), signed with its key and secret.
/// </summary>
internal sealed class PusherWebhookTargets(PusherApps apps, IOptions<ChannelsOptions> channelsOptions) : IWebhookTargetSource
{
    public IEnumerable<WebhookTarget> GetTargets() =>
        apps.All
            .Where(app => app.WebhookUrls.Count > 0)
            .Select(app => new WebhookTarget(
                app,
                [.. app.WebhookUrls],
                new PusherAppNamespace(apps, app, channelsOptions.Value.MaxChannelNameLength).ToExternal));
}
