using System.Net;
using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.FunctionalTests;

public class CrossNodeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PublishOnNodeA_ReachesSubscriberOnNodeB(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(prefix);
        var channel = TestChannels.Unique();
        var onB = await nodeB.ConnectAsync(protocol: protocol);
        var onA = await nodeA.ConnectAsync(protocol: protocol);
        await onB.SubscribeAsync(channel);
        await onA.SubscribeAsync(channel);

        await nodeA.Broadcaster.PublishAsync(channel, "FromBroadcasterOnA", new { orderId = 1 }).DefaultTimeout();
        var response = await nodeA.PublishOverHttpAsync(channel, "FromHttpOnA", new { orderId = 2 });
        await onA.PublishAsync(channel, "FromHubOnA", new { orderId = 3 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var client in new[] { onB, onA })
        {
            Assert.Equal("""{"orderId":1}""", (await client.AssertNextEventAsync(channel, "FromBroadcasterOnA")).DataJson());
            Assert.Equal("""{"orderId":2}""", (await client.AssertNextEventAsync(channel, "FromHttpOnA")).DataJson());
            Assert.Equal("""{"orderId":3}""", (await client.AssertNextEventAsync(channel, "FromHubOnA")).DataJson());
        }
    }

    [Fact]
    public async Task WithoutRedis_NodesDoNotShareEvents()
    {
        await using var nodeA = await ChannelsTestServer.StartAsync();
        await using var nodeB = await ChannelsTestServer.StartAsync();
        var channel = TestChannels.Unique();
        var onB = await nodeB.ConnectAsync();
        await onB.SubscribeAsync(channel);

        await nodeA.Broadcaster.PublishAsync(channel, "FromA", null).DefaultTimeout();
        await nodeB.Broadcaster.PublishAsync(channel, "MarkerFromB", null).DefaultTimeout();

        await onB.AssertNextEventAsync(channel, "MarkerFromB");
    }

    [Fact]
    public async Task NodesWithDifferentPrefixes_DoNotShareEvents()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeC = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(RedisFixture.NewPrefix());
        var channel = TestChannels.Unique();
        var witnessOnC = await nodeC.ConnectAsync();
        var onB = await nodeB.ConnectAsync();
        await witnessOnC.SubscribeAsync(channel);
        await onB.SubscribeAsync(channel);

        await nodeA.Broadcaster.PublishAsync(channel, "FromOtherCluster", null).DefaultTimeout();
        // Once C has it, Redis has delivered it to every subscriber it was going to reach.
        await witnessOnC.AssertNextEventAsync(channel, "FromOtherCluster");
        await nodeB.Broadcaster.PublishAsync(channel, "MarkerFromB", null).DefaultTimeout();

        await onB.AssertNextEventAsync(channel, "MarkerFromB");
    }

    [Fact]
    public async Task HttpPublishOnNodeA_WithSocketIdOfConnectionOnNodeB_ExcludesOnlyThatConnection()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(prefix);
        var channel = TestChannels.Unique();
        var excluded = await nodeB.ConnectAsync();
        var otherOnB = await nodeB.ConnectAsync(HttpTransportType.LongPolling);
        var onA = await nodeA.ConnectAsync();
        foreach (var client in new[] { excluded, otherOnB, onA })
        {
            await client.SubscribeAsync(channel);
        }

        await nodeA.PublishOverHttpAsync(channel, "ToOthers", null, socketId: excluded.ConnectionId);
        await nodeB.Broadcaster.PublishAsync(channel, "MarkerFromB", null).DefaultTimeout();

        await otherOnB.AssertNextEventAsync(channel, "ToOthers");
        await onA.AssertNextEventAsync(channel, "ToOthers");
        await excluded.AssertNextEventAsync(channel, "MarkerFromB");
    }

    [Fact]
    public async Task UnsubscribeOnNodeB_StopsEventsPublishedOnNodeA()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(prefix);
        var channel = TestChannels.Unique();
        var marker = TestChannels.Unique("marker");
        var onB = await nodeB.ConnectAsync();
        var witnessOnB = await nodeB.ConnectAsync();
        await onB.SubscribeManyAsync([channel, marker]);
        await witnessOnB.SubscribeAsync(channel);

        await onB.UnsubscribeAsync(channel);
        await nodeA.Broadcaster.PublishAsync(channel, "AfterUnsubscribe", null).DefaultTimeout();
        // The backplane fans a message out to a node's local subscribers together; the witness proves it was.
        await witnessOnB.AssertNextEventAsync(channel, "AfterUnsubscribe");
        await nodeA.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();

        await onB.AssertNextEventAsync(marker, "Marker");
    }

    private Task<ChannelsTestServer> StartNodeAsync(string prefix) =>
        ChannelsTestServer.StartAsync(new ChannelsTestServerOptions { RedisConfiguration = redis.Configuration, RedisPrefix = prefix });
}
