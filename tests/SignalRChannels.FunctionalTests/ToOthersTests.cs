using System.Net;

namespace SignalRChannels.FunctionalTests;

public class ToOthersTests(ChannelsServerFixture fixture) : IClassFixture<ChannelsServerFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task HttpPublish_WithSocketIdHeader_ExcludesExactlyThatConnection(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, protocol);

        var response = await Server.PublishOverHttpAsync(channel, "OrderShipped", new { orderId = 42 }, socketId: publisher.ConnectionId);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal("""{"orderId":42}""", (await first.AssertNextEventAsync(channel, "OrderShipped")).DataJson());
        Assert.Equal("""{"orderId":42}""", (await second.AssertNextEventAsync(channel, "OrderShipped")).DataJson());
        await publisher.AssertNextEventAsync(channel, "Marker");
        await first.AssertNextEventAsync(channel, "Marker");
        await second.AssertNextEventAsync(channel, "Marker");
    }

    [Fact]
    public async Task HttpPublish_WithoutSocketId_ReachesEveryone()
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, WireProtocol.Json);

        var response = await Server.PublishOverHttpAsync(channel, "Everyone", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var client in new[] { publisher, first, second })
        {
            await client.AssertNextEventAsync(channel, "Everyone");
        }
    }

    [Theory]
    [InlineData("not a socket id")]
    [InlineData("id;with;semicolons")]
    public async Task HttpPublish_WithMalformedSocketId_ExcludesNobody(string socketId)
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, WireProtocol.Json);

        var response = await Server.PublishOverHttpAsync(channel, "Everyone", null, socketId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var client in new[] { publisher, first, second })
        {
            await client.AssertNextEventAsync(channel, "Everyone");
        }
    }

    [Fact]
    public async Task HttpPublish_WithSocketIdOfAnotherChannelsSubscriber_ExcludesNobodyHere()
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, WireProtocol.Json);
        await using var elsewhere = await Server.ConnectAsync();

        await Server.PublishOverHttpAsync(channel, "Everyone", null, elsewhere.ConnectionId);

        foreach (var client in new[] { publisher, first, second })
        {
            await client.AssertNextEventAsync(channel, "Everyone");
        }
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task HubPublish_ToOthers_ExcludesTheCaller(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, protocol);

        await publisher.PublishAsync(channel, "Typed", new { text = "hi" }, toOthers: true);
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal("""{"text":"hi"}""", (await first.AssertNextEventAsync(channel, "Typed")).DataJson());
        Assert.Equal("""{"text":"hi"}""", (await second.AssertNextEventAsync(channel, "Typed")).DataJson());
        await publisher.AssertNextEventAsync(channel, "Marker");
    }

    [Fact]
    public async Task HubPublish_NotToOthers_IncludesTheCaller()
    {
        var channel = TestChannels.Unique();
        var (publisher, first, second) = await SubscribeThreeAsync(channel, WireProtocol.Json);

        await publisher.PublishAsync(channel, "Typed", null, toOthers: false);

        foreach (var client in new[] { publisher, first, second })
        {
            await client.AssertNextEventAsync(channel, "Typed");
        }
    }

    private async Task<(ChannelsTestClient Publisher, ChannelsTestClient First, ChannelsTestClient Second)> SubscribeThreeAsync(
        string channel,
        WireProtocol protocol)
    {
        var publisher = await Server.ConnectAsync(protocol: protocol);
        var first = await Server.ConnectAsync(protocol: protocol);
        var second = await Server.ConnectAsync(Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling, protocol);
        foreach (var client in new[] { publisher, first, second })
        {
            await client.SubscribeAsync(channel);
        }

        return (publisher, first, second);
    }
}
