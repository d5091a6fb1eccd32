using System.ComponentModel.DataAnnotations;

namespace SignalRChannels;

/// <summary>Options of queued broadcasting (<see cref="IChannelQueue"/>). Validated at start-up.</summary>
public sealed class QueuedBroadcastingOptions
{
    /// <summary>
    /// The most events that may wait in the queue; past it <see cref="IChannelQueue.EnqueueAsync(string, string, object?, string?, CancellationToken)"/> answers
    /// <c>limit_exceeded</c> at once. With Redis the bound applies per partition, as <c>Capacity / Partitions</c>
    /// (rounded up). The default is 100,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int Capacity { get; set; } = 100_000;

    /// <summary>
    /// How many times a failed publish is retried before the event is dead-lettered. The default is 8, which with the
    /// default delays rides out about 30 seconds of a store or backplane outage.
    /// </summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The delay before the first retry; later ones double, with jitter. The default is 200 milliseconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two retries. The default is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most events this node's worker holds at once (read from the store and not yet acknowledged). Channels are
    /// published concurrently, each channel's events one after another. The default is 1,000.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 1_000;

    /// <summary>
    /// With a shared store (Redis): how many partitions (streams) the queue has. A channel always maps to the same
    /// partition, and one node at a time owns a partition, which keeps each channel's order across nodes. Every node
    /// must use the same value. The default is 16.
    /// </summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 16;

    /// <summary>
    /// With a shared store (Redis): how long a node's ownership of a partition lasts without renewal. A crashed node's
    /// partitions (and their unacknowledged events) are taken over by another node within this time. The default is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the worker waits for new events before it looks again when it got no notification (with Redis,
    /// enqueues notify the workers through pub/sub; this bounds the delay if a notification is lost). The default is 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
