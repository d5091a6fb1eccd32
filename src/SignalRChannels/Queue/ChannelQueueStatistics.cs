namespace SignalRChannels;

/// <summary>What a queue store reports for the metrics: how many events wait and since when the oldest one waits.</summary>
/// <param name="Depth">Events accepted and not yet acknowledged (in flight included) that this node is responsible for.</param>
/// <param name="OldestEnqueuedAt">When the oldest of them was accepted, in Unix milliseconds; <see langword="null"/> when none wait.</param>
public readonly record struct ChannelQueueStatistics(long Depth, long? OldestEnqueuedAt);
