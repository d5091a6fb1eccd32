using System.Buffers;
using System.Text.Json;
using MessagePack;
using MessagePack.Resolvers;

namespace SignalRChannels.Tests.Protocol;

public sealed class JsonElementFormatterTests
{
    private static readonly MessagePackSerializerOptions s_options = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([JsonElementFormatter.Instance], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("-129")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("18446744073709551615")]
    [InlineData("1.5")]
    [InlineData("-2.25")]
    [InlineData("1E+300")]
    [InlineData("\"h\\u00E9llo \\u2713\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"a":{"b":[1,[2,{"c":null}],-3.5]},"s":"x","t":true,"u":18446744073709551615,"n":-9223372036854775808}""")]
    public void Value_RoundTripsThroughMessagePack(string json)
    {
        var element = JsonDocument.Parse(json).RootElement;

        var back = RoundTrip(element);

        Assert.Equal(element.GetRawText(), back.GetRawText());
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-1", 0xff)]
    [InlineData("-9223372036854775808", MessagePackCode.Int64)]
    [InlineData("18446744073709551615", MessagePackCode.UInt64)]
    [InlineData("1.5", MessagePackCode.Float64)]
    public void Number_IsWrittenAsIntegerWhenIntegralElseDouble(string json, int firstByte)
    {
        var bytes = MessagePackSerializer.Serialize(JsonDocument.Parse(json).RootElement, s_options);

        Assert.Equal(firstByte, bytes[0]);
    }

    [Fact]
    public void Object_IsWrittenAsMapWithItsPropertyNames()
    {
        var bytes = MessagePackSerializer.Serialize(JsonDocument.Parse("""{"orderId":7,"tags":["x"]}""").RootElement, s_options);

        var map = Assert.IsType<Dictionary<object, object>>(MessagePackSerializer.Deserialize<object>(bytes, s_options));
        Assert.Equal(new object[] { "orderId", "tags" }, map.Keys);
        Assert.Equal(7, Convert.ToInt32(map["orderId"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Nil_ReadsAsJsonNull()
    {
        var element = MessagePackSerializer.Deserialize<JsonElement>(new byte[] { MessagePackCode.Nil }, s_options);

        Assert.Equal(JsonValueKind.Null, element.ValueKind);
    }

    [Fact]
    public void Read_BinaryTimestampAndIntegerKeys_BecomeJsonText()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write("bytes");
        writer.Write(new byte[] { 1, 2, 3, 255 });
        writer.Write("at");
        writer.Write(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        writer.Write(5);
        writer.Write("five");
        writer.Flush();

        var element = MessagePackSerializer.Deserialize<JsonElement>(buffer.WrittenMemory, s_options);

        Assert.Equal("""{"bytes":"AQID/w==","at":"2024-05-06T07:08:09Z","5":"five"}""", element.GetRawText());
    }

    [Fact]
    public void Read_NonFiniteDouble_IsRefused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.Write(double.NaN);
        writer.Flush();

        Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<JsonElement>(buffer.WrittenMemory, s_options));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(JsonElementFormatter.MaxDepth)]
    public void Read_ContainersNestedUpToTheLimit_AreAccepted(int depth)
    {
        var element = MessagePackSerializer.Deserialize<JsonElement>(NestedArrays(depth), s_options);

        Assert.Equal(new string('[', depth) + "1" + new string(']', depth), element.GetRawText());
    }

    [Theory]
    [InlineData(JsonElementFormatter.MaxDepth + 1)]
    [InlineData(10_000)]
    public void Read_ContainersNestedDeeperThanTheLimit_AreRefused(int depth)
    {
        var ex = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<JsonElement>(NestedArrays(depth), s_options));

        Assert.Contains("deeper than 64", ex.GetBaseException().Message, StringComparison.Ordinal);
    }

    private static JsonElement RoundTrip(JsonElement element) =>
        MessagePackSerializer.Deserialize<JsonElement>(MessagePackSerializer.Serialize(element, s_options), s_options);

    private static byte[] NestedArrays(int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        for (var i = 0; i < depth; i++)
        {
            writer.WriteArrayHeader(1);
        }

        writer.Write(1);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
