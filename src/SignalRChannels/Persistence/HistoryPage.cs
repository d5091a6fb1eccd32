namespace SignalRChannels;

/// <summary>The result of <see cref="IChannelEventStore.ReadAsync"/>.</summary>
public sealed class HistoryPage
{
    /// <summary>The stream's current position: its newest offset and its epoch.</summary>
    public required StreamPosition Position { get; init; }

    /// <summary>The events read, with their offsets and epochs set, in the order the query asked for.</summary>
    public required IReadOnlyList<ChannelEvent> Events { get; init; }
}
