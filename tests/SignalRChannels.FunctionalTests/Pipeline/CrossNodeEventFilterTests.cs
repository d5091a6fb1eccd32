using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>Event filters with two nodes on Redis: what reaches the other node, prevOffset from the Redis store, and the Redis traffic.</summary>
public class CrossNodeEventFilterTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task FilteredSubscriberOnNodeB_GetsOnlyItsEvents_WithPrevOffsetsFromTheRedisStore(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartAsync(prefix);
        await using var nodeB = await StartAsync(prefix);
        var channel = TestChannels.Unique("history-pipe");
        var filtered = await nodeB.ConnectAsync(protocol: protocol);
        await filtered.SubscribeAsync(channel, new { events = new[] { "A" } });
        await Poll.UntilAsync(() => !Interest(nodeA).FiltersOf(ChannelName.Parse(channel)).IsEmpty, "node A learns node B's filter");

        foreach (var name in new[] { "A", "B", "B", "A" })
        {
            await nodeA.Broadcaster.PublishAsync(channel, name, null).DefaultTimeout();
        }

        var first = await filtered.AssertNextEventAsync(channel, "A");
        var second = await filtered.AssertNextEventAsync(channel, "A");
        Assert.Equal((1L, 0L), (first.Offset, first.PrevOffset));
        Assert.Equal((4L, 1L), (second.Offset, second.PrevOffset));
    }

    [Fact]
    public async Task NodeStartedAfterTheSubscription_LearnsTheFilter_AndSendsToIt()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeB = await StartAsync(prefix);
        var channel = TestChannels.Unique();
        var filtered = await nodeB.ConnectAsync();
        await filtered.SubscribeAsync(channel, new { events = new[] { "A" } });

        await using var nodeA = await StartAsync(prefix);
        await Poll.UntilAsync(() => !Interest(nodeA).FiltersOf(ChannelName.Parse(channel)).IsEmpty, "node A asks for the filters and learns node B's");
        await nodeA.Broadcaster.PublishAsync(channel, "B", null).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync(channel, "A", null).DefaultTimeout();

        await filtered.AssertNextEventAsync(channel, "A");
    }

    [Fact]
    public async Task RedisTraffic_IsUnchangedWithoutFilteredSubscribers_AndOnePublishPerPassingFilterWithThem()
    {
        const int Events = 10;
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartAsync(prefix);
        await using var nodeB = await StartAsync(prefix);
        var channel = TestChannels.Unique();
        await using var monitor = await RedisMonitor.StartAsync(redis.Configuration, channel);
        await using var multiplexer = await TestRedis.ConnectAsync();
        var unfiltered = await nodeB.ConnectAsync();
        await unfiltered.SubscribeAsync(channel);

        await PublishHalfAAsync(nodeA, channel, Events);
        for (var i = 0; i < Events; i++)
        {
            await unfiltered.NextEventAsync();
        }

        await monitor.SettleAsync(multiplexer.GetDatabase());
        var withoutFilters = monitor.Count("\"PUBLISH\"", ":group:");
        monitor.Clear();

        var filtered = await nodeB.ConnectAsync();
        await filtered.SubscribeAsync(channel, new { events = new[] { "A" } });
        await Poll.UntilAsync(() => !Interest(nodeA).FiltersOf(ChannelName.Parse(channel)).IsEmpty, "node A learns node B's filter");
        await PublishHalfAAsync(nodeA, channel, Events);
        for (var i = 0; i < Events / 2; i++)
        {
            await filtered.AssertNextEventAsync(channel, "A");
        }

        await monitor.SettleAsync(multiplexer.GetDatabase());
        var withFilter = monitor.Count("\"PUBLISH\"", ":group:");
        var announcements = monitor.Count("\"XADD\"", "filter-add");
        output.WriteLine($"{Events} events: {withoutFilters} group PUBLISHes without filters; {withFilter} with one filter passing half; {announcements} announcement(s)");

        Assert.Equal(Events, withoutFilters);
        Assert.Equal(Events + (Events / 2), withFilter);
        Assert.Equal(1, announcements);
    }

    private static async Task PublishHalfAAsync(ChannelsTestServer node, string channel, int events)
    {
        for (var i = 0; i < events; i++)
        {
            await node.Broadcaster.PublishAsync(channel, i % 2 == 0 ? "A" : "B", new { i }).DefaultTimeout();
        }
    }

    private static SignalRChannels.Pipeline.FilterInterest Interest(ChannelsTestServer node) =>
        node.Services.GetRequiredService<SignalRChannels.Pipeline.FilterInterest>();

    private Task<ChannelsTestServer> StartAsync(string prefix) =>
        ChannelsTestServer.StartAsync(PipelineTestApp.Options(redis: redis.Configuration, redisPrefix: prefix));
}
