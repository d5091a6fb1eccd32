using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>Options of the <c>GetHistory</c> hub method (wire protocol v1).</summary>
[MessagePackObject]
public sealed class HistoryOptions
{
    /// <summary>Return events after this position (exclusive); <see langword="null"/> reads from the oldest retained event (or the newest when reversed).</summary>
    [Key("since")]
    [JsonPropertyName("since")]
    public StreamPosition? Since { get; init; }

    /// <summary>The most events to return; <see langword="null"/> means the server's maximum (<c>MaxHistoryLimit</c>).</summary>
    [Key("limit")]
    [JsonPropertyName("limit")]
    public int? Limit { get; init; }

    /// <summary>Newest first when <see langword="true"/>.</summary>
    [Key("reverse")]
    [JsonPropertyName("reverse")]
    public bool? Reverse { get; init; }
}
