using System.Diagnostics.Metrics;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// The webhooks' instruments in meter <c>SignalRChannels</c>: events by outcome (delivered, dropped at the queue bound,
/// failed after the retries), retried requests, and the events waiting.
/// </summary>
internal sealed class WebhookMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _retries;
    private readonly Meter _meter;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Diagnostics.ChannelsMetrics.MeterName);
        _events = _meter.CreateCounter<long>(
            "signalrchannels.webhooks.events",
            "{event}",
            "Webhook events by outcome: delivered (a receiver answered 2xx), dropped (the queue was full), failed (not retried further).");
        _retries = _meter.CreateCounter<long>("signalrchannels.webhooks.retries", "{request}", "Webhook requests sent again after a failure.");
    }

    public void ObserveQueued(Func<long> count) =>
        _meter.CreateObservableUpDownCounter("signalrchannels.webhooks.queued", count, "{event}", "Webhook events waiting on this node, or being sent, summed over the URLs.");

    public void Delivered(IReadOnlyList<WebhookEvent> batch) => Count(batch, "delivered");

    public void Failed(IReadOnlyList<WebhookEvent> batch) => Count(batch, "failed");

    public void Dropped(WebhookEvent dropped) =>
        _events.Add(1, new("webhook.event", dropped.Name), new("outcome", "dropped"));

    public void Retried() => _retries.Add(1);

    private void Count(IReadOnlyList<WebhookEvent> batch, string outcome)
    {
        foreach (var group in batch.GroupBy(e => e.Name))
        {
            _events.Add(group.Count(), new("webhook.event", group.Key), new("outcome", outcome));
        }
    }
}
