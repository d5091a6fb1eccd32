using System.Text.Json;

namespace SignalRChannels.Internal;

/// <summary>
/// A payload on its way through the publish pipeline: the UTF-8 JSON a server publish was serialized to, or a
/// <see cref="JsonElement"/> (from clients, middleware and presence). The bytes are parsed only where an element is
/// needed (publish middleware, history); a plain live publish writes them as they are (<see cref="RawChannelEvent"/>).
/// </summary>
internal readonly struct EventData
{
    private readonly byte[]? _utf8;
    private readonly JsonElement _element;

    private EventData(byte[]? utf8, JsonElement element)
    {
        _utf8 = utf8;
        _element = element;
    }

    /// <summary>The payload's UTF-8 JSON, when it is held as bytes; otherwise null.</summary>
    public byte[]? Utf8 => _utf8;

    /// <summary>A payload held as the UTF-8 JSON it was serialized to (valid JSON, one value).</summary>
    public static EventData FromUtf8(byte[] utf8) => new(utf8, default);

    public static implicit operator EventData(JsonElement element) => new(null, element);

    /// <summary>The payload as an element; bytes are parsed on each call, so callers keep the result.</summary>
    public JsonElement ToElement() => _utf8 is null ? _element : JsonSerializer.Deserialize<JsonElement>(_utf8);
}
