using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>The result of the <c>GetHistory</c> hub method (wire protocol v1).</summary>
[MessagePackObject]
public sealed class HistoryResult
{
    /// <summary>The stream's current position (its newest offset and epoch).</summary>
    [Key("position")]
    [JsonPropertyName("position")]
    public required StreamPosition Position { get; init; }

    /// <summary>The events, in offset order (or newest first when reversed).</summary>
    [Key("events")]
    [JsonPropertyName("events")]
    public required IReadOnlyList<ChannelEvent> Events { get; init; }
}
