using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;

namespace SignalRChannels;

/// <summary>
/// A member of a presence channel: a user, identified by an id that the server chose, with app-defined info.
/// </summary>
[MessagePackObject]
public sealed record PresenceMember
{
    /// <summary>Creates a member.</summary>
    /// <param name="id">The member id (usually the user id); never taken from the client.</param>
    /// <param name="info">App-defined info shown to other members (serialized with the hub's JSON options).</param>
    public PresenceMember(string id, object? info = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Info = info is JsonElement element ? element : Internal.EventPayload.ToElement(info);
    }

    [SerializationConstructor]
    [JsonConstructor]
    private PresenceMember(string id, JsonElement info)
    {
        Id = id;
        Info = info;
    }

    /// <summary>The member id.</summary>
    [Key("id")]
    [JsonPropertyName("id")]
    public string Id { get; }

    /// <summary>The member's info as JSON.</summary>
    [Key("info")]
    [JsonPropertyName("info")]
    public JsonElement Info { get; }
}
