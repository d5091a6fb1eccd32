using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Internal;

namespace SignalRChannels.Tests.Protocol;

/// <summary>
/// An <see cref="EventBatch"/> handed to SignalR's group send is written by the channel hub's protocols as the records
/// of its events, back to back: byte for byte what SignalR writes for each event sent alone, so clients read them as
/// they always did.
/// </summary>
public sealed class EventBatchTests
{
    private static readonly IHubProtocolResolver s_protocols = BuildProtocols();

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public void Batch_IsTheRecordsOfItsEvents_BackToBack(string protocolName)
    {
        var protocol = s_protocols.GetProtocol(protocolName, null)!;
        object[] events =
        [
            new RawChannelEvent("room.1", "said", """{"text":"hi"}"""u8.ToArray(), 1_764_000_000_001, null),
            new ChannelEvent { Channel = "room.1", Event = "said", Data = JsonDocument.Parse("""{"text":"é"}""").RootElement, Timestamp = 1_764_000_000_002, Offset = 7, Epoch = "e1" },
            new RawChannelEvent("room.1", "left", "null"u8.ToArray(), 1_764_000_000_003, "id-3"),
        ];
        var alone = events.SelectMany(e => protocol.GetMessageBytes(new InvocationMessage(ChannelEvent.ClientMethodName, [e])).ToArray()).ToArray();
        var batch = new InvocationMessage(EventBatch.Target, [new EventBatch(events)]);

        Assert.Equal(alone, protocol.GetMessageBytes(batch).ToArray());
        var written = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(batch, written);
        Assert.Equal(alone, written.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public void Batch_ParsesBack_AsOneChannelEventInvocationPerEvent(string protocolName)
    {
        var protocol = s_protocols.GetProtocol(protocolName, null)!;
        var events = Enumerable.Range(0, 300)
            .Select(i => (object)new RawChannelEvent("room.1", "tick", JsonSerializer.SerializeToUtf8Bytes(new { i }), i, null))
            .ToArray();
        var bytes = new ReadOnlySequence<byte>(protocol.GetMessageBytes(new InvocationMessage(EventBatch.Target, [new EventBatch(events)])));

        var parsed = new List<InvocationMessage>();
        while (protocol.TryParseMessage(ref bytes, new EnvelopeBinder(), out var message))
        {
            parsed.Add(Assert.IsType<InvocationMessage>(message));
        }

        Assert.Equal(events.Length, parsed.Count);
        Assert.All(parsed, m => Assert.Equal(ChannelEvent.ClientMethodName, m.Target));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), parsed.Select(m => ((ChannelEvent)m.Arguments[0]!).Timestamp));
    }

    [Fact]
    public void OtherMessages_PassThroughUnchanged()
    {
        var protocol = s_protocols.GetProtocol("json", null)!;
        var inner = BuildInner().GetProtocol("json", null)!;
        var message = new InvocationMessage("Other", [new { a = 1 }]);

        Assert.Equal(inner.GetMessageBytes(message).ToArray(), protocol.GetMessageBytes(message).ToArray());
    }

    private static IHubProtocolResolver BuildProtocols() => new ChannelHubProtocolResolver(BuildInner());

    private static IHubProtocolResolver BuildInner()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddMessagePackProtocol().AddChannels();
        return services.BuildServiceProvider().GetRequiredService<IHubProtocolResolver>();
    }

    private sealed class EnvelopeBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(ChannelEvent)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
