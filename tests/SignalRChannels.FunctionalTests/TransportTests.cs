using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.FunctionalTests;

public class TransportTests(ChannelsServerFixture fixture) : IClassFixture<ChannelsServerFixture>
{
    [Fact]
    public async Task ServerSentEvents_WithMessagePack_IsRefusedBySignalR()
    {
        // SignalR's SSE transport is text-only and the MessagePack hub protocol is binary; this pair cannot
        // connect whatever the server does. Clients that need SSE use JSON.
        var ex = await Assert.ThrowsAnyAsync<Exception>(
            () => fixture.Server.ConnectAsync(HttpTransportType.ServerSentEvents, WireProtocol.MessagePack));

        Assert.Contains("does not support the 'Binary' transfer format", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.SupportedTransportsAndProtocols), MemberType = typeof(TestMatrix))]
    public async Task Client_OnEachTransportAndProtocol_ReceivesFromOtherTransportsPublishers(HttpTransportType transport, WireProtocol protocol)
    {
        // One channel, subscribers on different transports and protocols: the group send serializes per protocol.
        var channel = TestChannels.Unique();
        await using var subscriber = await fixture.Server.ConnectAsync(transport, protocol);
        await using var jsonWebSocket = await fixture.Server.ConnectAsync(HttpTransportType.WebSockets, WireProtocol.Json);
        await using var msgpackLongPolling = await fixture.Server.ConnectAsync(HttpTransportType.LongPolling, WireProtocol.MessagePack);
        await subscriber.SubscribeAsync(channel);
        await jsonWebSocket.SubscribeAsync(channel);
        await msgpackLongPolling.SubscribeAsync(channel);

        await jsonWebSocket.PublishAsync(channel, "hello", new { from = transport.ToString() });

        foreach (var client in new[] { subscriber, jsonWebSocket, msgpackLongPolling })
        {
            Assert.Equal($$"""{"from":"{{transport}}"}""", (await client.AssertNextEventAsync(channel, "hello")).DataJson());
        }
    }
}
