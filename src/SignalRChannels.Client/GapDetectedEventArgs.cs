namespace SignalRChannels.Client;

/// <summary>
/// Events <see cref="FromOffset"/> to <see cref="ToOffset"/> of <see cref="Epoch"/> will never be delivered.
/// Delivery carries on after the gap; reload whatever state the app derives from the channel's events.
/// </summary>
/// <param name="channel">The full channel name.</param>
/// <param name="reason">Why the events were lost.</param>
/// <param name="epoch">The epoch the lost offsets belong to.</param>
/// <param name="fromOffset">The first lost offset.</param>
/// <param name="toOffset">The last lost offset (inclusive), or <see langword="null"/> when unknown (the stream moved to a new epoch).</param>
public sealed class GapDetectedEventArgs(string channel, GapReason reason, string epoch, long fromOffset, long? toOffset) : EventArgs
{
    /// <summary>The full channel name.</summary>
    public string Channel { get; } = channel;

    /// <summary>Why the events were lost.</summary>
    public GapReason Reason { get; } = reason;

    /// <summary>The epoch the lost offsets belong to.</summary>
    public string Epoch { get; } = epoch;

    /// <summary>The first lost offset.</summary>
    public long FromOffset { get; } = fromOffset;

    /// <summary>The last lost offset (inclusive), or <see langword="null"/> when unknown.</summary>
    public long? ToOffset { get; } = toOffset;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Channel}: offsets {FromOffset}..{(ToOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "end")} of epoch {Epoch} lost ({Reason})";
}
