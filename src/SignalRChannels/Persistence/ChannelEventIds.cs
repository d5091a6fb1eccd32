namespace SignalRChannels;

/// <summary>How far back history stores remember event ids to make appends idempotent (see <see cref="IChannelEventStore"/>).</summary>
public static class ChannelEventIds
{
    /// <summary>
    /// How many of a stream's latest id-carrying events a store remembers: 1,000, the default
    /// <see cref="QueuedBroadcastingOptions.MaxInFlight"/>, so a worker that lost its partition while holding a full
    /// lane still finds every event it retries.
    /// </summary>
    public const int Remembered = 1_000;
}
