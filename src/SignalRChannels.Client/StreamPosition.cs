namespace SignalRChannels.Client;

/// <summary>
/// A position in a channel's history stream: an event offset (contiguous per channel, from 1; 0 is "before the
/// first event") and the stream's epoch, which changes when the stream is lost and invalidates older offsets.
/// </summary>
/// <param name="Offset">The offset.</param>
/// <param name="Epoch">The epoch.</param>
public sealed record StreamPosition(long Offset, string Epoch);
