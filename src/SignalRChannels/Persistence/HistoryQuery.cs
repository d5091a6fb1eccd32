namespace SignalRChannels;

/// <summary>What <see cref="IChannelEventStore.ReadAsync"/> reads.</summary>
public sealed record HistoryQuery
{
    private readonly int _limit;

    /// <summary>
    /// Read events after this position (exclusive); <see langword="null"/> reads from the oldest retained event.
    /// A position whose epoch is not the stream's yields no events; a position without an epoch is taken as an offset only.
    /// </summary>
    public StreamPosition? Since { get; init; }

    /// <summary>The most events to return; zero or more. Zero returns the position only.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public required int Limit
    {
        get => _limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _limit = value;
        }
    }

    /// <summary>
    /// Newest first when <see langword="true"/>: the newest <see cref="Limit"/> events after <see cref="Since"/>,
    /// in descending offset order. The default is <see langword="false"/> (oldest first).
    /// </summary>
    public bool Reverse { get; init; }
}
