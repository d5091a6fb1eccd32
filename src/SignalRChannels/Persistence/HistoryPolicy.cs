namespace SignalRChannels;

/// <summary>How much history a channel keeps: the newest <see cref="Size"/> events, for <see cref="Ttl"/> after the last one.</summary>
public sealed record HistoryPolicy
{
    /// <summary>The largest <see cref="Size"/> allowed: 1,000,000 events.</summary>
    public const int MaxSize = 1_000_000;

    /// <summary>Creates a validated policy.</summary>
    /// <param name="size">How many recent events to keep per channel: 1 to <see cref="MaxSize"/>.</param>
    /// <param name="ttl">How long a channel's history lives after its last event: at least 1 millisecond.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public HistoryPolicy(int size, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromMilliseconds(1));
        Size = size;
        Ttl = ttl;
    }

    /// <summary>How many recent events a channel keeps; older ones are trimmed as new ones arrive.</summary>
    public int Size { get; }

    /// <summary>
    /// How long a channel's history lives after its last event. When it lapses the stream is lost: the next event
    /// starts over at offset 1 under a new epoch, and clients that saw the old stream cannot recover.
    /// </summary>
    public TimeSpan Ttl { get; }
}
