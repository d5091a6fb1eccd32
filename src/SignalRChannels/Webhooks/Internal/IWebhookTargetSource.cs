namespace SignalRChannels.Webhooks.Internal;

/// <summary>More webhook targets than <c>AddWebhooks</c>' own (the Pusher package's apps).</summary>
internal interface IWebhookTargetSource
{
    IEnumerable<WebhookTarget> GetTargets();
}
