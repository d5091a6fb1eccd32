using System.Text.Json;
using MessagePack;
using MessagePack.Resolvers;
using SignalRChannels.Internal;

namespace SignalRChannels.Tests.Internal;

public class EventPayloadTests
{
    private const int NoSizeLimit = int.MaxValue;
    private const int DefaultDepth = 32;

    // SignalR's JSON hub protocol serializes payloads with camelCase names by default.
    private static readonly JsonSerializerOptions s_camelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    // The resolver SignalR's MessagePack hub protocol deserializes untyped arguments with.
    private static readonly MessagePackSerializerOptions s_messagePack = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance);

    private sealed record OrderShipped(int OrderId, string Customer);

    [Fact]
    public void FromServer_Null_IsJsonNull()
    {
        var payload = EventPayload.FromServer(null, s_camelCase, 64).ToElement();

        Assert.Equal(JsonValueKind.Null, payload.ValueKind);
    }

    [Fact]
    public void FromServer_Object_UsesTheGivenNamingPolicy()
    {
        var payload = EventPayload.FromServer(new OrderShipped(42, "Ada"), s_camelCase, NoSizeLimit).ToElement();

        Assert.Equal("""{"orderId":42,"customer":"Ada"}""", payload.GetRawText());
    }

    [Fact]
    public void FromServer_Object_WithoutNamingPolicy_KeepsNames()
    {
        var payload = EventPayload.FromServer(new OrderShipped(42, "Ada"), new JsonSerializerOptions(), NoSizeLimit).ToElement();

        Assert.Equal("""{"OrderId":42,"Customer":"Ada"}""", payload.GetRawText());
    }

    [Fact]
    public void FromServer_JsonElement_IsKeptAsIs()
    {
        var element = JsonDocument.Parse("""{"Already":"json","n":[1,2]}""").RootElement;

        var payload = EventPayload.FromServer(element, s_camelCase, NoSizeLimit).ToElement();

        Assert.Equal("""{"Already":"json","n":[1,2]}""", payload.GetRawText());
    }

    [Fact]
    public void FromServer_IsASnapshot_NotAffectedByLaterChangesToTheObject()
    {
        var items = new List<int> { 1, 2 };

        var payload = EventPayload.FromServer(items, s_camelCase, NoSizeLimit).ToElement();
        items.Add(3);

        Assert.Equal("[1,2]", payload.GetRawText());
    }

    [Fact]
    public void FromServer_PayloadOfExactlyTheLimit_IsAccepted()
    {
        // A JSON string of n characters is n + 2 bytes with its quotes.
        var payload = EventPayload.FromServer(new string('x', 62), s_camelCase, 64).ToElement();

        Assert.Equal(62, payload.GetString()!.Length);
    }

    [Fact]
    public void FromServer_PayloadOverTheLimit_ThrowsPayloadTooLarge()
    {
        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromServer(new string('x', 63), s_camelCase, 64));

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, ex.Code);
        Assert.StartsWith("payload_too_large: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("65 bytes", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FromServer_JsonElementOverTheLimit_ThrowsPayloadTooLarge()
    {
        var element = JsonDocument.Parse($"\"{new string('x', 100)}\"").RootElement;

        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromServer(element, s_camelCase, 64));

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, ex.Code);
    }

    [Fact]
    public void FromClient_JsonElement_IsCopiedUnchanged()
    {
        const string json = """{"orderId":42,"tags":["a","b"],"nested":{"ok":true,"none":null},"pi":3.5,"big":18446744073709551615}""";

        var payload = EventPayload.FromClient(JsonDocument.Parse(json).RootElement, NoSizeLimit, DefaultDepth);

        Assert.Equal(json, payload.GetRawText());
    }

    [Fact]
    public void FromClient_UndefinedJsonElement_IsNull()
    {
        var payload = EventPayload.FromClient(default(JsonElement), NoSizeLimit, DefaultDepth);

        Assert.Equal(JsonValueKind.Null, payload.ValueKind);
    }

    [Fact]
    public void FromClient_MessagePackObjectGraph_BecomesEquivalentJson()
    {
        var graph = new Dictionary<object, object?>
        {
            ["orderId"] = 42,
            ["tags"] = new object?[] { "a", "b", null },
            ["nested"] = new Dictionary<object, object?> { ["ok"] = true, ["no"] = false },
            ["none"] = null,
        };

        var payload = EventPayload.FromClient(graph, NoSizeLimit, DefaultDepth);

        Assert.Equal("""{"orderId":42,"tags":["a","b",null],"nested":{"ok":true,"no":false},"none":null}""", payload.GetRawText());
    }

    [Fact]
    public void FromClient_GraphDecodedByMessagePack_BecomesEquivalentJson()
    {
        // Encode with the MessagePack library and decode the way SignalR binds an untyped argument.
        var bytes = MessagePackSerializer.Serialize(
            new Dictionary<string, object?>
            {
                ["orderId"] = 42,
                ["neg"] = -5,
                ["big"] = ulong.MaxValue,
                ["ratio"] = 0.25,
                ["text"] = "héllo",
                ["list"] = new object[] { 1, "two", new Dictionary<string, object> { ["three"] = 3 } },
                ["none"] = null,
            },
            s_messagePack);
        var decoded = MessagePackSerializer.Deserialize<object>(bytes, s_messagePack);

        var payload = EventPayload.FromClient(decoded, NoSizeLimit, DefaultDepth);

        Assert.Equal(
            """{"orderId":42,"neg":-5,"big":18446744073709551615,"ratio":0.25,"text":"h\u00E9llo","list":[1,"two",{"three":3}],"none":null}""",
            payload.GetRawText());
    }

    public static TheoryData<object, string> Numbers => new()
    {
        { (byte)200, "200" },
        { (sbyte)-100, "-100" },
        { (short)-30000, "-30000" },
        { (ushort)60000, "60000" },
        { 42, "42" },
        { -42, "-42" },
        { long.MinValue, "-9223372036854775808" },
        { long.MaxValue, "9223372036854775807" },
        { uint.MaxValue, "4294967295" },
        { ulong.MaxValue, "18446744073709551615" },
        { 1.5f, "1.5" },
        { 2.25d, "2.25" },
        { -0.125d, "-0.125" },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void FromClient_Number_IsWrittenExactly(object number, string json)
    {
        var payload = EventPayload.FromClient(number, NoSizeLimit, DefaultDepth);

        Assert.Equal(JsonValueKind.Number, payload.ValueKind);
        Assert.Equal(json, payload.GetRawText());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void FromClient_NonFiniteDouble_ThrowsInvalidArgument(double value)
    {
        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromClient(value, NoSizeLimit, DefaultDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
    }

    [Fact]
    public void FromClient_NonFiniteFloatInsideAMap_ThrowsInvalidArgument()
    {
        var graph = new Dictionary<object, object?> { ["x"] = float.NaN };

        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromClient(graph, NoSizeLimit, DefaultDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
    }

    [Fact]
    public void FromClient_Bytes_AreBase64()
    {
        var payload = EventPayload.FromClient(new byte[] { 1, 2, 3, 255 }, NoSizeLimit, DefaultDepth);

        Assert.Equal(Convert.ToBase64String([1, 2, 3, 255]), payload.GetString());
    }

    [Fact]
    public void FromClient_DateTime_IsIso8601String()
    {
        var payload = EventPayload.FromClient(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), NoSizeLimit, DefaultDepth);

        Assert.Equal("2024-05-06T07:08:09Z", payload.GetString());
    }

    [Fact]
    public void FromClient_NonStringMapKeys_BecomeStrings()
    {
        var graph = new Dictionary<object, object?> { [1] = "one", [(byte)2] = "two" };

        var payload = EventPayload.FromClient(graph, NoSizeLimit, DefaultDepth);

        Assert.Equal("""{"1":"one","2":"two"}""", payload.GetRawText());
    }

    [Fact]
    public void FromClient_UnsupportedValue_ThrowsInvalidArgument()
    {
        var graph = new Dictionary<object, object?> { ["x"] = new object() };

        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromClient(graph, NoSizeLimit, DefaultDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
        Assert.DoesNotContain("System.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromClient_PayloadOfExactlyTheLimit_IsAccepted()
    {
        var payload = EventPayload.FromClient(new string('x', 62), 64, DefaultDepth);

        Assert.Equal(JsonValueKind.String, payload.ValueKind);
    }

    [Fact]
    public void FromClient_PayloadOverTheLimit_ThrowsPayloadTooLarge()
    {
        var graph = new Dictionary<object, object?> { ["text"] = new string('x', 100) };

        var ex = Assert.Throws<ChannelException>(() => EventPayload.FromClient(graph, 64, DefaultDepth));

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, ex.Code);
        Assert.StartsWith("payload_too_large: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void FromClient_ValuesNestedUpToTheLimit_AreAccepted(int maxDepth)
    {
        var payload = EventPayload.FromClient(NestedArrays(maxDepth, leaf: 1), NoSizeLimit, maxDepth);

        Assert.Equal(new string('[', maxDepth) + "1" + new string(']', maxDepth), payload.GetRawText());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void FromClient_ObjectGraphNestedDeeperThanTheLimit_ThrowsInvalidArgument(int maxDepth)
    {
        var ex = Assert.Throws<ChannelException>(
            () => EventPayload.FromClient(NestedMaps(maxDepth + 1), NoSizeLimit, maxDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
        Assert.Contains($"deeper than {maxDepth}", ex.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void FromClient_JsonElementNestedDeeperThanTheLimit_ThrowsInvalidArgument(int maxDepth)
    {
        var json = new string('[', maxDepth + 1) + "1" + new string(']', maxDepth + 1);

        var ex = Assert.Throws<ChannelException>(
            () => EventPayload.FromClient(JsonDocument.Parse(json).RootElement, NoSizeLimit, maxDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void FromClient_EmptyContainersNestedDeeperThanTheLimit_ThrowInvalidArgument(int maxDepth)
    {
        // maxDepth + 1 levels of containers; the innermost is empty, so no scalar sits below the limit.
        var ex = Assert.Throws<ChannelException>(
            () => EventPayload.FromClient(NestedArrays(maxDepth + 1, leaf: null, emptyInnermost: true), NoSizeLimit, maxDepth));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
    }

    [Theory]
    [InlineData("""{"\uD800":1}""")]
    [InlineData("""{"text":"\uD800"}""")]
    [InlineData("""["\uDC00x"]""")]
    public void FromClient_JsonWithLoneSurrogate_IsAcceptedOrACodedError(string json)
    {
        // Valid JSON text (escaped), but not valid Unicode; a client can send it on the JSON protocol (Whisper).
        var element = JsonDocument.Parse(json).RootElement;

        var ex = Record.Exception(() => EventPayload.FromClient(element, NoSizeLimit, DefaultDepth));

        if (ex is not null)
        {
            var coded = Assert.IsType<ChannelException>(ex);
            Assert.Equal(ChannelErrorCodes.InvalidArgument, coded.Code);
        }
    }

    [Fact]
    public void ToElement_UsesWebDefaults()
    {
        Assert.Equal("""{"orderId":1,"customer":"x"}""", EventPayload.ToElement(new OrderShipped(1, "x")).GetRawText());
        Assert.Equal(JsonValueKind.Null, EventPayload.ToElement(null).ValueKind);
    }

    private static object NestedArrays(int levels, object? leaf, bool emptyInnermost = false)
    {
        object current = emptyInnermost ? Array.Empty<object?>() : new[] { leaf };
        for (var i = 1; i < levels; i++)
        {
            current = new[] { current };
        }

        return current;
    }

    private static Dictionary<object, object?> NestedMaps(int levels)
    {
        var current = new Dictionary<object, object?> { ["leaf"] = 1 };
        for (var i = 1; i < levels; i++)
        {
            current = new Dictionary<object, object?> { ["child"] = current };
        }

        return current;
    }
}
