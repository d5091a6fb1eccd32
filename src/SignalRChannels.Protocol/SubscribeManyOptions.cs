using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>Options of the <c>SubscribeMany</c> hub method: as <see cref="SubscribeOptions"/>, with <c>since</c> per channel.</summary>
[MessagePackObject]
public sealed class SubscribeManyOptions
{
    /// <summary>The last position seen, per full channel name.</summary>
    [Key("since")]
    [JsonPropertyName("since")]
    public Dictionary<string, StreamPosition?>? Since { get; init; }

    /// <summary>Only these event names are sent, on every channel of the call; <see langword="null"/> means all.</summary>
    [Key("events")]
    [JsonPropertyName("events")]
    public string?[]? Events { get; init; }
}
