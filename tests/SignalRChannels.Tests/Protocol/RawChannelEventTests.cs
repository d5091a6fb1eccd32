using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;

namespace SignalRChannels.Tests.Protocol;

/// <summary>
/// A live server publish goes out as a <see cref="RawChannelEvent"/> (its payload kept as the UTF-8 JSON it was
/// serialized to); on the wire it must be byte for byte the <see cref="ChannelEvent"/> it stands for, on both hub
/// protocols as the server registers them.
/// </summary>
public sealed class RawChannelEventTests
{
    private static readonly IHubProtocolResolver s_protocols = BuildProtocols(out s_payloadOptions);
    private static readonly JsonSerializerOptions s_payloadOptions;

    public static TheoryData<string, string?> Payloads => new()
    {
        { """{"text":"hello","n":1}""", null },
        { """{"text":"hello","n":1}""", "0193a1b2c3d4e5f60718293a4b5c6d7e" },
        { """{"quote":"a \"b\" <c> & 'd'","accents":"été","emoji":"😀","control":"\u0001"}""", null },
        { """{"big":18446744073709551615,"negative":-9223372036854775808,"double":1.5e-7,"zero":0}""", null },
        { """[1,[2,[3,{"deep":[true,false,null]}]],"x"]""", null },
        { "\"just a string\"", null },
        { "42", null },
        { "{}", null },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Json_WritesTheSameBytesAsTheChannelEvent(string json, string? id) =>
        AssertSameBytes("json", json, id);

    [Theory]
    [MemberData(nameof(Payloads))]
    public void MessagePack_WritesTheSameBytesAsTheChannelEvent(string json, string? id) =>
        AssertSameBytes("messagepack", json, id);

    [Fact]
    public void FromServer_OfAnObject_IsWhatTheElementPathWrote()
    {
        // The bytes a publish keeps are the serializer's own output with the hub's payload options (SignalR's escape
        // only what JSON requires).
        var payload = EventPayload.FromServer(new { Text = "hé <b>", Count = 3 }, s_payloadOptions, 1024);

        Assert.NotNull(payload.Utf8);
        Assert.Equal("""{"text":"hé <b>","count":3}""", System.Text.Encoding.UTF8.GetString(payload.Utf8));
        AssertSameBytes("json", System.Text.Encoding.UTF8.GetString(payload.Utf8), id: null);
        AssertSameBytes("messagepack", System.Text.Encoding.UTF8.GetString(payload.Utf8), id: null);
    }

    [Fact]
    public void Reading_IsRefused_BecauseClientsReadChannelEvents()
    {
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize<RawChannelEvent>("{}"));
    }

    private static void AssertSameBytes(string protocolName, string json, string? id)
    {
        var protocol = s_protocols.GetProtocol(protocolName, null)!;
        var payload = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(json).RootElement, s_payloadOptions);
        var expected = new ChannelEvent
        {
            Channel = "private-orders.42",
            Event = "order.shipped",
            Data = JsonDocument.Parse(payload).RootElement,
            Timestamp = 1_764_000_000_123,
            Id = id,
        };
        var raw = new RawChannelEvent("private-orders.42", "order.shipped", payload, 1_764_000_000_123, id);

        Assert.Equal(Write(protocol, expected), Write(protocol, raw));
    }

    private static byte[] Write(IHubProtocol protocol, object envelope)
    {
        var output = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage(ChannelEvent.ClientMethodName, [envelope]), output);
        return output.WrittenSpan.ToArray();
    }

    private static IHubProtocolResolver BuildProtocols(out JsonSerializerOptions payloadOptions)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddMessagePackProtocol().AddChannels();
        var provider = services.BuildServiceProvider();
        payloadOptions = provider.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
        return provider.GetRequiredService<IHubProtocolResolver>();
    }
}
