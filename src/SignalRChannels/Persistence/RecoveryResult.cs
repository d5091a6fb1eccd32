namespace SignalRChannels;

/// <summary>The result of <see cref="IChannelEventStore.RecoverAsync"/>.</summary>
public sealed class RecoveryResult
{
    /// <summary>The stream's current position: its newest offset and its epoch.</summary>
    public required StreamPosition Position { get; init; }

    /// <summary>
    /// Whether <see cref="Events"/> holds every event after the client's position. When <see langword="false"/>
    /// there are no events and the client has a gap it must handle (for example by reloading its state).
    /// </summary>
    public required bool Recovered { get; init; }

    /// <summary>The missed events in offset order, with their offsets and epochs set; empty when not recovered.</summary>
    public required IReadOnlyList<ChannelEvent> Events { get; init; }
}
