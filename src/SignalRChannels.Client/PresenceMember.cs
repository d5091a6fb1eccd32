using System.Text.Json;

namespace SignalRChannels.Client;

/// <summary>A member of a presence channel: a user, identified by an id the server chose, with app-defined info.</summary>
/// <param name="Id">The member id (usually the user id).</param>
/// <param name="Info">The member's info as JSON.</param>
public sealed record PresenceMember(string Id, JsonElement Info)
{
    /// <summary>Reads <see cref="Info"/> as <typeparamref name="T"/> (camelCase JSON names by default).</summary>
    /// <typeparam name="T">The info type.</typeparam>
    /// <param name="options">The serializer options; <see langword="null"/> uses the web defaults.</param>
    /// <returns>The info, or <see langword="default"/> when the server sent none.</returns>
    public T? GetInfo<T>(JsonSerializerOptions? options = null) =>
        Info.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? default
            : Info.Deserialize<T>(options ?? JsonSerializerOptions.Web);
}
