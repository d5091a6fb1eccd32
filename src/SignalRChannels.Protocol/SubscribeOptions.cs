using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>Options of the <c>Subscribe</c> hub method (wire protocol v1).</summary>
[MessagePackObject]
public sealed class SubscribeOptions
{
    /// <summary>The last position the client saw; missed events after it are returned if they can all be recovered.</summary>
    [Key("since")]
    [JsonPropertyName("since")]
    public StreamPosition? Since { get; init; }

    /// <summary>Only these event names are sent to this subscription; <see langword="null"/> means all.</summary>
    [Key("events")]
    [JsonPropertyName("events")]
    public string?[]? Events { get; init; }
}
