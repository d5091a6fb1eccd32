using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// Turns an untyped value as a client decoded it (a <see cref="JsonElement"/> on JSON, maps/arrays/scalars on
/// MessagePack) into compact JSON, so one assertion covers both protocols.
/// </summary>
public static class WireData
{
    public static string ToJson(object? value) => ToNode(value)?.ToJsonString() ?? "null";

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        sbyte or byte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        IDictionary map => ToObject(map),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToNode).ToArray()),
        _ => throw new NotSupportedException($"A client decoded a value of unexpected type {value.GetType()}."),
    };

    private static JsonObject ToObject(IDictionary map)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in map)
        {
            result.Add(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!, ToNode(entry.Value));
        }

        return result;
    }
}
