using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>The result of the <c>GetMembersPage</c> hub method: members in ordinal order of their ids.</summary>
[MessagePackObject]
public sealed class MembersPage
{
    /// <summary>The members of this page.</summary>
    [Key("members")]
    [JsonPropertyName("members")]
    public required IReadOnlyList<PresenceMember> Members { get; init; }

    /// <summary>
    /// The <see cref="MembersPageOptions.After"/> that reads the next page, or <see langword="null"/> when this page is the last.
    /// </summary>
    [Key("next")]
    [JsonPropertyName("next")]
    public string? Next { get; init; }
}
