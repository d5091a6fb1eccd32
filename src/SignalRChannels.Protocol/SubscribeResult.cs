using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>The result of <c>Subscribe</c>, and one entry of the result of <c>SubscribeMany</c>.</summary>
[MessagePackObject]
public sealed class SubscribeResult
{
    /// <summary>The full channel name.</summary>
    [Key("channel")]
    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary>The current stream position on history-enabled channels; otherwise <see langword="null"/>.</summary>
    [Key("position")]
    [JsonPropertyName("position")]
    public StreamPosition? Position { get; init; }

    /// <summary>Whether every event after the requested <c>since</c> position is in <see cref="Missed"/>.</summary>
    [Key("recovered")]
    [JsonPropertyName("recovered")]
    public bool Recovered { get; init; }

    /// <summary>The missed events in offset order (empty unless recovered).</summary>
    [Key("missed")]
    [JsonPropertyName("missed")]
    public IReadOnlyList<ChannelEvent> Missed { get; init; } = [];

    /// <summary>
    /// The current members of a presence channel, in ordinal order of their ids and at most the server's
    /// <c>MaxMembersPerResponse</c>; otherwise <see langword="null"/>.
    /// </summary>
    [Key("members")]
    [JsonPropertyName("members")]
    public IReadOnlyList<PresenceMember>? Members { get; init; }

    /// <summary>
    /// When <see cref="Members"/> is only the first page: the <see cref="MembersPageOptions.After"/> that reads the
    /// rest with <c>GetMembersPage</c>; otherwise <see langword="null"/> (omitted in JSON).
    /// </summary>
    [Key("membersNext")]
    [JsonPropertyName("membersNext")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MembersNext { get; init; }

    /// <summary>In <c>SubscribeMany</c> results only: the coded error of a channel that failed.</summary>
    [Key("error")]
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
