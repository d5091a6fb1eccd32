using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace SignalRChannels.Internal;

/// <summary>
/// Turns event payloads into one canonical form, JSON, once per publish: that fixes field names (camelCase via the
/// hub's JSON options) for both hub protocols, measures the size, and lets every recipient's protocol write the same
/// value without serializing per recipient. Server payloads stay UTF-8 bytes; client payloads become a
/// <see cref="JsonElement"/>.
/// </summary>
internal static class EventPayload
{
    private static readonly JsonSerializerOptions s_webOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The JSON literal <c>null</c>.</summary>
    public static JsonElement Null { get; } = JsonDocument.Parse("null").RootElement;

    public static JsonElement ToElement(object? value, JsonSerializerOptions? options = null) => value switch
    {
        null => Null,
        JsonElement element => element,
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), options ?? s_webOptions),
    };

    /// <summary>
    /// Serializes a payload from app code to UTF-8 JSON, once per publish; throws a coded error when it is over the
    /// limit. Kept as bytes: only publish middleware and history parse them (<see cref="EventData"/>).
    /// </summary>
    public static EventData FromServer(object? value, JsonSerializerOptions options, int maxBytes)
    {
        if (value is null)
        {
            return Null;
        }

        byte[] utf8;
        try
        {
            utf8 = value is JsonElement given
                ? JsonSerializer.SerializeToUtf8Bytes(given, options)
                : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "the payload contains text that is not valid Unicode");
        }

        if (utf8.Length > maxBytes)
        {
            throw new ChannelException(ChannelErrorCodes.PayloadTooLarge, $"the payload is {utf8.Length} bytes; the limit is {maxBytes}");
        }

        return EventData.FromUtf8(utf8);
    }

    /// <summary>
    /// Converts a payload a client sent (a <see cref="JsonElement"/> on the JSON protocol, an object graph on
    /// MessagePack) to canonical form, enforcing the size and depth limits.
    /// </summary>
    public static JsonElement FromClient(object? value, int maxBytes, int maxDepth)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = maxDepth + 1, SkipValidation = false });
            Write(writer, value, depth: 0, maxDepth);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // For example a lone UTF-16 surrogate, which has no UTF-8 form.
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "the payload contains text that is not valid Unicode");
        }

        if (buffer.WrittenCount > maxBytes)
        {
            throw new ChannelException(ChannelErrorCodes.PayloadTooLarge, $"the payload is {buffer.WrittenCount} bytes; the limit is {maxBytes}");
        }

        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth, int maxDepth)
    {
        if (value is IEnumerable and not string and not byte[])
        {
            CheckDepth(depth, maxDepth);
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                WriteElement(writer, element, depth, maxDepth);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case sbyte or byte or short or ushort or int or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case uint or ulong:
                writer.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float or double:
                throw new ChannelException(ChannelErrorCodes.InvalidArgument, "the payload contains a non-finite number");
            case DateTime dt:
                writer.WriteStringValue(dt);
                break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Write(writer, entry.Value, depth + 1, maxDepth);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item, depth + 1, maxDepth);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ChannelException(ChannelErrorCodes.InvalidArgument, "the payload contains a value of an unsupported type");
        }
    }

    /// <summary>Containers count as levels; scalars do not.</summary>
    private static void CheckDepth(int depth, int maxDepth)
    {
        if (depth >= maxDepth)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"the payload is nested deeper than {maxDepth} levels");
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element, int depth, int maxDepth)
    {
        if (element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            CheckDepth(depth, maxDepth);
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteElement(writer, property.Value, depth + 1, maxDepth);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(writer, item, depth + 1, maxDepth);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
