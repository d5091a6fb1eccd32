using MessagePack;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// The client's view of the <c>ChannelEvent</c> envelope, decoded without any server type: camelCase
/// property names on JSON (the client's default naming policy) and string map keys on MessagePack.
/// </summary>
[MessagePackObject]
public sealed class ReceivedEvent
{
    [Key("channel")]
    public string? Channel { get; set; }

    [Key("event")]
    public string? Event { get; set; }

    /// <summary>A <c>JsonElement</c> on JSON; a MessagePack object graph (maps, arrays, scalars) on MessagePack.</summary>
    [Key("data")]
    public object? Data { get; set; }

    [Key("offset")]
    public long? Offset { get; set; }

    [Key("epoch")]
    public string? Epoch { get; set; }

    [Key("prevOffset")]
    public long? PrevOffset { get; set; }

    [Key("timestamp")]
    public long Timestamp { get; set; }

    [Key("from")]
    public string? From { get; set; }

    [Key("id")]
    public string? Id { get; set; }

    /// <summary>The payload as compact JSON, whatever the protocol, for comparisons.</summary>
    public string DataJson() => WireData.ToJson(Data);

    public override string ToString() => $"{Channel}/{Event} {DataJson()}";
}
