using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>
/// The envelope of every event the server sends to a client, through the one client method
/// <see cref="ClientMethodName"/> (wire protocol v1).
/// </summary>
[MessagePackObject]
public sealed class ChannelEvent
{
    /// <summary>The name of the client method that receives channel events: <c>ChannelEvent</c>.</summary>
    public const string ClientMethodName = ChannelHubMethods.ChannelEvent;

    /// <summary>The full channel name.</summary>
    [Key("channel")]
    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary>The event name.</summary>
    [Key("event")]
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    /// <summary>The payload, as JSON (also on the MessagePack protocol, where it is written as the equivalent map).</summary>
    [Key("data")]
    [JsonPropertyName("data")]
    public required JsonElement Data { get; init; }

    /// <summary>The event's offset in the channel's history stream; present on history-enabled channels only.</summary>
    [Key("offset")]
    [JsonPropertyName("offset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Offset { get; init; }

    /// <summary>The epoch of the channel's history stream; present on history-enabled channels only.</summary>
    [Key("epoch")]
    [JsonPropertyName("epoch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Epoch { get; init; }

    /// <summary>
    /// Only for subscriptions with an event filter, on history-enabled channels: an earlier offset of the stream such
    /// that no event this subscription receives lies between it and <see cref="Offset"/>. A client that has delivered
    /// up to this offset (or beyond) misses nothing; the offsets in between were filtered out, not lost. Absent
    /// otherwise (the previous offset is then <c>offset - 1</c>). Additive to wire protocol v1.
    /// </summary>
    [Key("prevOffset")]
    [JsonPropertyName("prevOffset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? PrevOffset { get; init; }

    /// <summary>When the server accepted the event, in Unix milliseconds.</summary>
    [Key("timestamp")]
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; init; }

    /// <summary>
    /// The event's id, unique per event; present on queued events only (see <c>IChannelQueue</c>). A queue worker
    /// that retries a send sends the same id again, and clients drop the repeat (by offset on history-enabled channels,
    /// by this id on others).
    /// </summary>
    [Key("id")]
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    /// <summary>For client events (whispers): the sender's member or user id, stamped by the server.</summary>
    [Key("from")]
    [JsonPropertyName("from")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; init; }
}
