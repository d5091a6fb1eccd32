using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels.Client.Internal;

// Client-side copies of the wire protocol v1 shapes: camelCase JSON names and MessagePack string keys,
// so either hub protocol reads and writes the same fields. The client never references the server assembly.

/// <summary>The one argument of the <c>ChannelEvent</c> client method.</summary>
[MessagePackObject]
internal sealed class WireEvent
{
    public const string ClientMethod = "ChannelEvent";

    [Key("channel")]
    [JsonPropertyName("channel")]
    public string? Channel { get; set; }

    [Key("event")]
    [JsonPropertyName("event")]
    public string? Event { get; set; }

    [Key("data")]
    [JsonPropertyName("data")]
    public JsonElement Data { get; set; }

    [Key("offset")]
    [JsonPropertyName("offset")]
    public long? Offset { get; set; }

    [Key("epoch")]
    [JsonPropertyName("epoch")]
    public string? Epoch { get; set; }

    [Key("timestamp")]
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; set; }

    [Key("from")]
    [JsonPropertyName("from")]
    public string? From { get; set; }
}

[MessagePackObject]
internal sealed class WirePosition
{
    [Key("offset")]
    [JsonPropertyName("offset")]
    public long Offset { get; set; }

    [Key("epoch")]
    [JsonPropertyName("epoch")]
    public string? Epoch { get; set; }

    public static WirePosition? From(StreamPosition? position) =>
        position is null ? null : new WirePosition { Offset = position.Offset, Epoch = position.Epoch };

    public StreamPosition ToPosition() => new(Offset, Epoch ?? string.Empty);
}

[MessagePackObject]
internal sealed class WireMember
{
    [Key("id")]
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [Key("info")]
    [JsonPropertyName("info")]
    public JsonElement Info { get; set; }

    [Key("reason")]
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }
}

[MessagePackObject]
internal sealed class WireSubscribeOptions
{
    [Key("since")]
    [JsonPropertyName("since")]
    public WirePosition? Since { get; set; }

    [Key("events")]
    [JsonPropertyName("events")]
    public string[]? Events { get; set; }
}

[MessagePackObject]
internal sealed class WireSubscribeResult
{
    [Key("channel")]
    [JsonPropertyName("channel")]
    public string? Channel { get; set; }

    [Key("position")]
    [JsonPropertyName("position")]
    public WirePosition? Position { get; set; }

    [Key("recovered")]
    [JsonPropertyName("recovered")]
    public bool Recovered { get; set; }

    [Key("missed")]
    [JsonPropertyName("missed")]
    public WireEvent[]? Missed { get; set; }

    [Key("members")]
    [JsonPropertyName("members")]
    public WireMember[]? Members { get; set; }

    [Key("error")]
    [JsonPropertyName("error")]
    public string? Error { get; set; }
}

[MessagePackObject]
internal sealed class WireHistoryOptions
{
    [Key("since")]
    [JsonPropertyName("since")]
    public WirePosition? Since { get; set; }

    [Key("limit")]
    [JsonPropertyName("limit")]
    public int? Limit { get; set; }

    [Key("reverse")]
    [JsonPropertyName("reverse")]
    public bool? Reverse { get; set; }
}

[MessagePackObject]
internal sealed class WireHistoryResult
{
    [Key("position")]
    [JsonPropertyName("position")]
    public WirePosition? Position { get; set; }

    [Key("events")]
    [JsonPropertyName("events")]
    public WireEvent[]? Events { get; set; }
}

/// <summary>The hub method names of wire protocol v1.</summary>
internal static class HubMethods
{
    public const string Subscribe = "Subscribe";
    public const string Unsubscribe = "Unsubscribe";
    public const string Whisper = "Whisper";
    public const string GetMembers = "GetMembers";
    public const string GetHistory = "GetHistory";
    public const string GetSocketId = "GetSocketId";
}

/// <summary>Reserved event names of wire protocol v1.</summary>
internal static class ReservedEvents
{
    public const string MemberJoined = "member:joined";
    public const string MemberLeft = "member:left";
    public const string Unsubscribed = "channel:unsubscribed";
    public const string WhisperPrefix = "client-";

    public static bool IsReserved(string name) =>
        name.StartsWith(WhisperPrefix, StringComparison.Ordinal)
        || name.StartsWith("member:", StringComparison.Ordinal)
        || name.StartsWith("channel:", StringComparison.Ordinal);
}
