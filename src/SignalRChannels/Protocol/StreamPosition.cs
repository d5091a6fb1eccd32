using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>
/// A position in a channel's history stream: the offset of an event and the epoch of the stream.
/// The epoch changes when the stream is lost (for example Redis was flushed), which invalidates offsets.
/// </summary>
[MessagePackObject]
public sealed record StreamPosition
{
    /// <summary>The offset; offsets are contiguous per channel and start at 1 (0 means "before the first event").</summary>
    [Key("offset")]
    [JsonPropertyName("offset")]
    public long Offset { get; init; }

    /// <summary>The stream's epoch.</summary>
    [Key("epoch")]
    [JsonPropertyName("epoch")]
    public string? Epoch { get; init; }
}
