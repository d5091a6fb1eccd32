using System.Diagnostics.Metrics;

namespace SignalRChannels.Queue.Internal;

/// <summary>
/// The queue's instruments in meter <c>SignalRChannels</c>: depth and age of the oldest event (observed from the
/// store), accepted and refused enqueues, retries, dead letters and the time from enqueue to fan-out.
/// </summary>
internal sealed class QueueMetrics
{
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<double> _deliveryTime;
    private readonly TimeProvider _timeProvider;

    public QueueMetrics(IMeterFactory meterFactory, IChannelQueueStore store, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(Diagnostics.ChannelsMetrics.MeterName);
        _enqueued = meter.CreateCounter<long>("signalrchannels.queue.enqueued", "{event}", "Events the queue accepted.");
        _rejected = meter.CreateCounter<long>("signalrchannels.queue.rejected", "{event}", "Enqueues refused, by error code (limit_exceeded when full, unavailable when the store failed).");
        _retries = meter.CreateCounter<long>("signalrchannels.queue.retries", "{retry}", "Publish attempts of queued events that are retried after a failure.");
        _deadLetters = meter.CreateCounter<long>("signalrchannels.queue.dead_letters", "{event}", "Queued events dead-lettered after the retry limit.");
        _deliveryTime = meter.CreateHistogram<double>("signalrchannels.queue.delivery_time", "ms", "From enqueue to the hand-over to the fan-out.");
        meter.CreateObservableGauge("signalrchannels.queue.depth", () => store.GetStatistics().Depth, "{event}", "Events waiting in the queue (in flight included) that this node is responsible for.");
        meter.CreateObservableGauge("signalrchannels.queue.oldest_age", () => OldestAge(store.GetStatistics()), "s", "How long the oldest waiting event has waited; 0 when none wait.");
    }

    public void Enqueued() => _enqueued.Add(1);

    public void Rejected(string code) => _rejected.Add(1, new KeyValuePair<string, object?>("error.code", code));

    public void Retried() => _retries.Add(1);

    public void DeadLettered() => _deadLetters.Add(1);

    public void Delivered(long enqueuedAt) =>
        _deliveryTime.Record(Math.Max(0, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - enqueuedAt));

    private double OldestAge(ChannelQueueStatistics statistics) => statistics.OldestEnqueuedAt is { } oldest
        ? Math.Max(0, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - oldest) / 1000.0
        : 0;
}
