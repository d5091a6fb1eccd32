using SignalRChannels.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Internal;

namespace SignalRChannels.FunctionalTests;

public class SubscribeManyTests(ChannelsServerFixture fixture) : IClassFixture<ChannelsServerFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    private ConnectionRegistry Subscriptions => Server.Services.GetRequiredService<ConnectionRegistry>();

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task SubscribeMany_ReturnsOneResultPerChannelInOrder_AndFailuresDoNotFailOthers(WireProtocol protocol)
    {
        var first = TestChannels.Unique("first");
        var last = TestChannels.Unique("last");
        await using var client = await Server.ConnectAsync(protocol: protocol);

        var results = await client.SubscribeManyAsync(
            [first, "bad name", "private-orders.42", "Private-x", "presence-chat.1", last]);

        Assert.Equal([first, "bad name", "private-orders.42", "Private-x", "presence-chat.1", last], results.Select(r => r.Channel));
        Assert.Null(results[0].Error);
        Assert.StartsWith("invalid_channel: ", results[1].Error, StringComparison.Ordinal);
        Assert.StartsWith("forbidden: ", results[2].Error, StringComparison.Ordinal);
        Assert.StartsWith("invalid_channel: ", results[3].Error, StringComparison.Ordinal);
        Assert.StartsWith("forbidden: ", results[4].Error, StringComparison.Ordinal);
        Assert.Null(results[5].Error);
        Assert.All(results, r => HubErrors.AssertNoInternalDetail(r.Error ?? string.Empty));
        Assert.Equal(
            new[] { first, last }.Order(),
            Subscriptions.SubscriptionsOf(client.ConnectionId).Select(c => c.Value).Order());

        await Server.Broadcaster.PublishAsync(first, "one", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(last, "two", null).DefaultTimeout();
        await client.AssertNextEventAsync(first, "one");
        await client.AssertNextEventAsync(last, "two");
    }

    [Fact]
    public async Task SubscribeMany_NullEntry_GetsAnErrorAndOthersSucceed()
    {
        var channel = TestChannels.Unique();
        await using var client = await Server.ConnectAsync();

        var results = await client.SubscribeManyAsync([null, channel, ""]);

        Assert.Equal(3, results.Length);
        Assert.StartsWith("invalid_channel: ", results[0].Error, StringComparison.Ordinal);
        Assert.Equal(channel, results[1].Channel);
        Assert.Null(results[1].Error);
        Assert.StartsWith("invalid_channel: ", results[2].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeMany_EmptyArray_ReturnsNoResults()
    {
        await using var client = await Server.ConnectAsync();

        Assert.Empty(await client.SubscribeManyAsync([]));
    }

    [Fact]
    public async Task SubscribeMany_DuplicateChannel_SucceedsTwiceAndDeliversOnce()
    {
        var channel = TestChannels.Unique();
        var marker = TestChannels.Unique("marker");
        await using var client = await Server.ConnectAsync();

        var results = await client.SubscribeManyAsync([channel, channel, marker]);

        Assert.All(results, r => Assert.Null(r.Error));
        await Server.Broadcaster.PublishAsync(channel, "once", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(marker, "marker", null).DefaultTimeout();
        await client.AssertNextEventAsync(channel, "once");
        await client.AssertNextEventAsync(marker, "marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task SubscribeMany_InvalidSinceForOneChannel_FailsOnlyThatChannel(WireProtocol protocol)
    {
        var (bad, good) = (TestChannels.Unique("bad"), TestChannels.Unique("good"));
        await using var client = await Server.ConnectAsync(protocol: protocol);

        var results = await client.SubscribeManyAsync(
            [bad, good],
            new { since = new Dictionary<string, object> { [bad] = new { offset = -1L, epoch = "e" } } });

        Assert.StartsWith("invalid_argument: ", results[0].Error, StringComparison.Ordinal);
        Assert.Null(results[1].Error);
    }

    [Fact]
    public async Task SubscribeMany_WithEventFilter_FiltersEveryChannel()
    {
        await using var client = await Server.ConnectAsync();
        string[] channels = [TestChannels.Unique("a"), TestChannels.Unique("b")];

        var results = await client.SubscribeManyAsync(channels, new { events = new[] { "OrderShipped" } });
        foreach (var channel in channels)
        {
            await Server.Broadcaster.PublishAsync(channel, "OrderPlaced", null).DefaultTimeout();
            await Server.Broadcaster.PublishAsync(channel, "OrderShipped", null).DefaultTimeout();
        }

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(2, Subscriptions.SubscriptionsOf(client.ConnectionId).Count);
        await client.AssertNextEventAsync(channels[0], "OrderShipped");
        await client.AssertNextEventAsync(channels[1], "OrderShipped");
    }

    [Fact]
    public async Task SubscribeMany_ExactlyTheConnectionLimit_Succeeds()
    {
        await using var client = await Server.ConnectAsync();
        var channels = Enumerable.Range(0, 100).Select(i => TestChannels.Unique($"c{i}")).ToArray();

        var results = await client.SubscribeManyAsync(channels);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(100, Subscriptions.SubscriptionsOf(client.ConnectionId).Count);
    }

    [Fact]
    public async Task SubscribeMany_PastTheConnectionLimit_FailsOnlyTheChannelsOverIt()
    {
        await using var client = await Server.ConnectAsync();
        var existing = Enumerable.Range(0, 99).Select(i => TestChannels.Unique($"c{i}")).ToArray();
        Assert.All(await client.SubscribeManyAsync(existing), r => Assert.Null(r.Error));
        var (fits, over, alsoOver) = (TestChannels.Unique("fits"), TestChannels.Unique("over"), TestChannels.Unique("over2"));

        var results = await client.SubscribeManyAsync([existing[0], fits, over, alsoOver]);

        Assert.Null(results[0].Error);
        Assert.Null(results[1].Error);
        Assert.StartsWith("limit_exceeded: ", results[2].Error, StringComparison.Ordinal);
        Assert.StartsWith("limit_exceeded: ", results[3].Error, StringComparison.Ordinal);
        Assert.Equal(100, Subscriptions.SubscriptionsOf(client.ConnectionId).Count);
    }
}
