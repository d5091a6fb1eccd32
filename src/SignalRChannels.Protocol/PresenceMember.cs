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
    private static readonly JsonElement s_null = JsonDocument.Parse("null").RootElement;

    /// <summary>Creates a member.</summary>
    /// <param name="id">The member id (usually the user id); never taken from the client.</param>
    /// <param name="info">
    /// App-defined info shown to other members: a <see cref="JsonElement"/> is kept as it is; anything else is
    /// serialized with the web defaults of System.Text.Json (camelCase names).
    /// </param>
    public PresenceMember(string id, object? info = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Info = info switch
        {
            JsonElement element => element,
            null => s_null,
            _ => JsonSerializer.SerializeToElement(info, info.GetType(), JsonSerializerOptions.Web),
        };
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

    /// <summary>Reads <see cref="Info"/> as <typeparamref name="T"/> (camelCase JSON names by default).</summary>
    /// <typeparam name="T">The info type.</typeparam>
    /// <param name="options">The serializer options; <see langword="null"/> uses the web defaults.</param>
    /// <returns>The info, or <see langword="default"/> when the member has none.</returns>
    public T? GetInfo<T>(JsonSerializerOptions? options = null) =>
        Info.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? default
            : Info.Deserialize<T>(options ?? JsonSerializerOptions.Web);
}
