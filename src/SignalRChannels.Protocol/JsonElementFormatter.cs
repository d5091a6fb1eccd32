using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace SignalRChannels;

/// <summary>
/// Maps a <see cref="JsonElement"/> to the equivalent MessagePack value and back, so payloads keep one form (JSON)
/// whatever the hub protocol: objects are written as maps, arrays as arrays, numbers as integers when they are
/// integral (<see cref="long"/>, else <see cref="ulong"/>) and as doubles otherwise.
/// </summary>
/// <remarks>
/// Reading converts MessagePack straight to JSON. Containers may nest at most <see cref="MaxDepth"/> levels (and no
/// deeper than the options' <see cref="MessagePackSecurity"/> allows); binary values become base64 strings,
/// timestamps ISO 8601 strings, other extension values <c>null</c>, and non-string map keys their text.
/// Malformed input throws <see cref="MessagePackSerializationException"/>.
/// </remarks>
public sealed class JsonElementFormatter : IMessagePackFormatter<JsonElement>
{
    /// <summary>The deepest nesting of arrays and maps that <see cref="Deserialize"/> accepts: 64, the System.Text.Json default.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonElement s_null = JsonDocument.Parse("null").RootElement;

    private JsonElementFormatter()
    {
    }

    /// <summary>The formatter; add it to a resolver, for example with <c>CompositeResolver.Create</c>.</summary>
    public static JsonElementFormatter Instance { get; } = new();

    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, JsonElement value, MessagePackSerializerOptions options)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in value.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Serialize(ref writer, property.Value, options);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Serialize(ref writer, item, options);
                }

                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonValueKind.Number when value.TryGetUInt64(out var unsigned):
                writer.Write(unsigned);
                break;
            case JsonValueKind.Number:
                writer.Write(value.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    /// <inheritdoc />
    public JsonElement Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return s_null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth + 1 }))
        {
            try
            {
                Write(ref reader, writer, options, depth: 0);
            }
            catch (ArgumentException ex)
            {
                // For example a non-finite double, which has no JSON form.
                throw new MessagePackSerializationException("The value has no JSON form.", ex);
            }
        }

        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    private static void Write(ref MessagePackReader reader, Utf8JsonWriter writer, MessagePackSerializerOptions options, int depth)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    writer.WriteNumberValue(reader.ReadUInt64());
                }
                else
                {
                    writer.WriteNumberValue(reader.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                writer.WriteNumberValue(reader.ReadDouble());
                break;
            case MessagePackType.String:
                writer.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Binary:
                var bytes = reader.ReadBytes();
                writer.WriteBase64StringValue(bytes.HasValue ? bytes.Value.ToArray() : []);
                break;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                Enter(ref reader, options, depth);
                writer.WriteStartArray();
                for (var i = 0; i < length; i++)
                {
                    Write(ref reader, writer, options, depth + 1);
                }

                writer.WriteEndArray();
                reader.Depth--;
                break;
            case MessagePackType.Map:
                var count = reader.ReadMapHeader();
                Enter(ref reader, options, depth);
                writer.WriteStartObject();
                for (var i = 0; i < count; i++)
                {
                    writer.WritePropertyName(ReadKey(ref reader));
                    Write(ref reader, writer, options, depth + 1);
                }

                writer.WriteEndObject();
                reader.Depth--;
                break;
            case MessagePackType.Extension when IsTimestamp(reader):
                writer.WriteStringValue(reader.ReadDateTime());
                break;
            default:
                // Other extension types have no JSON form; keep the shape valid.
                reader.Skip();
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Containers count as levels; scalars do not.</summary>
    private static void Enter(ref MessagePackReader reader, MessagePackSerializerOptions options, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new MessagePackSerializationException($"The value is nested deeper than {MaxDepth} levels.");
        }

        options.Security.DepthStep(ref reader);
    }

    private static bool IsTimestamp(MessagePackReader peek) =>
        peek.ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime;

    private static string ReadKey(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                return reader.ReadString() ?? string.Empty;
            case MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64:
                return reader.ReadUInt64().ToString(CultureInfo.InvariantCulture);
            case MessagePackType.Integer:
                return reader.ReadInt64().ToString(CultureInfo.InvariantCulture);
            default:
                reader.Skip();
                return string.Empty;
        }
    }
}
