using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>Options of the <c>GetMembersPage</c> hub method (an addition to wire protocol v1).</summary>
[MessagePackObject]
public sealed class MembersPageOptions
{
    /// <summary>Return members whose id sorts after this one (ordinal); <see langword="null"/> starts at the first.</summary>
    [Key("after")]
    [JsonPropertyName("after")]
    public string? After { get; init; }

    /// <summary>The most members to return; <see langword="null"/> means the server's maximum (<c>MaxMembersPerResponse</c>).</summary>
    [Key("limit")]
    [JsonPropertyName("limit")]
    public int? Limit { get; init; }
}
