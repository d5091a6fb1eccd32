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
    /// <summary>Creates a position; set <see cref="Offset"/> and <see cref="Epoch"/> with an object initializer.</summary>
    [SerializationConstructor]
    [JsonConstructor]
    public StreamPosition()
    {
    }

    /// <summary>Creates a position.</summary>
    /// <param name="offset">The offset.</param>
    /// <param name="epoch">The stream's epoch.</param>
    public StreamPosition(long offset, string? epoch)
    {
        Offset = offset;
        Epoch = epoch;
    }

    /// <summary>The offset; offsets are contiguous per channel and start at 1 (0 means "before the first event").</summary>
    [Key("offset")]
    [JsonPropertyName("offset")]
    public long Offset { get; init; }

    /// <summary>The stream's epoch; <see langword="null"/> only when a client sent a position without one.</summary>
    [Key("epoch")]
    [JsonPropertyName("epoch")]
    public string? Epoch { get; init; }
}
