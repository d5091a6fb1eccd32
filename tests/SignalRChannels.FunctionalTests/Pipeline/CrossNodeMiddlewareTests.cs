using SignalRChannels.FunctionalTests.Authorization;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>
/// Publish middleware with two nodes on Redis: it runs once, on the node that publishes, and every node's
/// subscribers receive the event as that node's chain left it.
/// </summary>
public class CrossNodeMiddlewareTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task EventsTransformedOrDroppedOnNodeA_ReachNodeBAsTheChainLeftThem(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartAsync(prefix);
        await using var nodeB = await StartAsync(prefix);
        var channel = TestChannels.Unique("orders");
        var onB = await nodeB.ConnectAsync(protocol: protocol);
        await onB.SubscribeAsync(channel);

        await nodeA.Broadcaster.PublishAsync(channel, "drop-me", null).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync(channel, "enrich", new { orderId = 7 }).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync(channel, "rename-me", null).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync(channel, "trail", new { }).DefaultTimeout();

        // Enriched once, renamed, and through the global chain once: node B's own middleware does not run again.
        Assert.Equal("""{"orderId":7,"serverId":"srv-1"}""", (await onB.AssertNextEventAsync(channel, "enrich")).DataJson());
        await onB.AssertNextEventAsync(channel, "renamed");
        Assert.Equal("""{"trail":["first","second"]}""", (await onB.AssertNextEventAsync(channel, "trail")).DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task WhispersAndPresenceEventsFromNodeA_PassItsMiddleware_OnTheWayToNodeB(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartAsync(prefix);
        await using var nodeB = await StartAsync(prefix);
        var channel = TestChannels.Unique("presence-vip");
        var bob = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        var alice = await nodeA.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await bob.SubscribeAsync(channel);
        await alice.SubscribeAsync(channel);

        var joined = await bob.AssertNextEventAsync(channel, EventNames.MemberJoined);
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventDropped, () => alice.WhisperAsync(channel, "drop-me", null));
        await alice.WhisperAsync(channel, "enrich", new { text = "hi" });

        Assert.Equal($$"""{"id":"{{Users.Alice.Id}}","info":{"name":"Alice"},"badge":"gold"}""", joined.DataJson());
        var whisper = await bob.AssertNextEventAsync(channel, "client-enrich");
        Assert.Equal("""{"text":"hi","serverId":"srv-1"}""", whisper.DataJson());
    }

    private Task<ChannelsTestServer> StartAsync(string prefix) =>
        ChannelsTestServer.StartAsync(PipelineTestApp.Options(redis: redis.Configuration, redisPrefix: prefix));
}
