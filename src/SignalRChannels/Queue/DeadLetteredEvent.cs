namespace SignalRChannels;

/// <summary>A queued event that could not be published within the retry limit, kept for inspection and replay.</summary>
public sealed class DeadLetteredEvent
{
    /// <summary>The dead letter's id in the store (for example a Redis Stream entry id); not the event's id.</summary>
    public required string Id { get; init; }

    /// <summary>The event as it was accepted.</summary>
    public required QueuedChannelEvent Event { get; init; }

    /// <summary>Why the last attempt failed: an error code and message, never a stack trace.</summary>
    public required string Reason { get; init; }

    /// <summary>How many times publishing was tried.</summary>
    public int Attempts { get; init; }

    /// <summary>When the event was dead-lettered, in Unix milliseconds.</summary>
    public long DeadLetteredAt { get; init; }
}
