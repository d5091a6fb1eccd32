using Microsoft.AspNetCore.SignalR.Client;
using SignalRChannels.FunctionalTests.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.History;

/// <summary>History, offsets and recovery through the hub, on the in-memory store and on Redis Streams.</summary>
public sealed class HistoryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    /// <summary>A server with history on <c>history.*</c>, on Redis when a configuration is given (shared by the history test classes).</summary>
    internal static ChannelsTestServerOptions Options(
        string? redisConfiguration, string? prefix = null, int maxRecovered = 1000, int size = 1000, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureBuilder = null) => new()
    {
        Channels = channels => channels
            .History("history.*", size, TimeSpan.FromMinutes(10))
            .Configure(o => o.MaxRecoveredEvents = maxRecovered),
        RedisConfiguration = redisConfiguration,
        RedisPrefix = prefix,
        ConfigureBuilder = configureBuilder,
    };

    private Task<ChannelsTestServer> StartAsync(bool useRedis, int maxRecovered = 1000, int size = 1000) =>
        ChannelsTestServer.StartAsync(Options(useRedis ? redis.Configuration : null, maxRecovered: maxRecovered, size: size));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resubscribe_After500MissedEvents_RecoversExactlyThoseInOrder_ThenLiveWithoutDuplicate(bool useRedis)
    {
        await using var server = await StartAsync(useRedis);
        var channel = "history.recover";

        var first = await server.ConnectAsync();
        var subscribed = await first.SubscribeAsync(channel);
        Assert.NotNull(subscribed.Position);
        Assert.Equal(0, subscribed.Position!.Offset);
        for (var i = 1; i <= 3; i++)
        {
            await server.Broadcaster.PublishAsync(channel, "tick", new { i });
        }

        ReceivedEvent last = null!;
        for (var i = 1; i <= 3; i++)
        {
            last = await first.AssertNextEventAsync(channel, "tick");
            Assert.Equal(i, last.Offset);
        }

        await first.DisposeAsync();
        for (var i = 4; i <= 503; i++)
        {
            await server.Broadcaster.PublishAsync(channel, "tick", new { i });
        }

        var second = await server.ConnectAsync();
        var recovered = await second.SubscribeAsync(channel, new { since = new { offset = last.Offset, epoch = last.Epoch }, events = (string[]?)null });
        Assert.True(recovered.Recovered);
        Assert.Equal(500, recovered.Missed!.Length);
        Assert.Equal(Enumerable.Range(4, 500).Select(i => (long)i), recovered.Missed.Select(e => e.Offset!.Value));
        Assert.All(recovered.Missed, e => Assert.Equal(last.Epoch, e.Epoch));
        Assert.Equal($"{{\"i\":4}}", recovered.Missed[0].DataJson());
        Assert.Equal(503, recovered.Position!.Offset);

        await server.Broadcaster.PublishAsync(channel, "tick", new { i = 504 });
        var live = await second.AssertNextEventAsync(channel, "tick");
        Assert.Equal(504, live.Offset);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resubscribe_GapLargerThanReplayCap_IsNotRecovered(bool useRedis)
    {
        await using var server = await StartAsync(useRedis, maxRecovered: 300);
        var client = await server.ConnectAsync();
        var position = (await client.SubscribeAsync("history.cap")).Position!;
        for (var i = 0; i < 301; i++)
        {
            await server.Broadcaster.PublishAsync("history.cap", "tick", i);
        }

        var other = await server.ConnectAsync();
        var result = await other.SubscribeAsync("history.cap", new { since = new { offset = position.Offset, epoch = position.Epoch }, events = (string[]?)null });
        Assert.False(result.Recovered);
        Assert.Empty(result.Missed!);
        Assert.Equal(301, result.Position!.Offset);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resubscribe_GapOlderThanRetainedWindow_IsNotRecovered(bool useRedis)
    {
        await using var server = await StartAsync(useRedis, size: 50);
        var client = await server.ConnectAsync();
        var position = (await client.SubscribeAsync("history.window")).Position!;
        for (var i = 0; i < 60; i++)
        {
            await server.Broadcaster.PublishAsync("history.window", "tick", i);
        }

        var other = await server.ConnectAsync();
        var result = await other.SubscribeAsync("history.window", new { since = new { offset = position.Offset, epoch = position.Epoch }, events = (string[]?)null });
        Assert.False(result.Recovered);
        Assert.Empty(result.Missed!);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Resubscribe_WithAnUnknownEpoch_OnTheDefaultStore_IsNotRecovered_AndReplaysNothing(WireProtocol protocol)
    {
        await using var server = await StartAsync(useRedis: false);
        const string Channel = "history.unknown-epoch";
        var first = await server.ConnectAsync(protocol: protocol);
        var epoch = (await first.SubscribeAsync(Channel)).Position!.Epoch;
        await PublishTicksAsync(server, Channel, 5);

        // Offsets 3 to 5 exist in the real epoch: a store that ignored the epoch would replay them as recovered.
        var other = await server.ConnectAsync(protocol: protocol);
        var result = await other.SubscribeAsync(Channel, new { since = new { offset = 2L, epoch = "not-an-epoch-of-this-stream" }, events = (string[]?)null });

        Assert.False(result.Recovered);
        Assert.Empty(result.Missed!);
        Assert.Equal(5, result.Position!.Offset);
        Assert.Equal(epoch, result.Position.Epoch);
        await AssertNextIsLiveTickAsync(server, other, Channel, offset: 6);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Resubscribe_WithTheEpochOfARestartedNode_OnTheDefaultStore_IsNotRecovered_AndReplaysNothing(WireProtocol protocol)
    {
        const string Channel = "history.restarted";
        ReceivedEvent stale;
        await using (var before = await StartAsync(useRedis: false))
        {
            var client = await before.ConnectAsync(protocol: protocol);
            await client.SubscribeAsync(Channel);
            await PublishTicksAsync(before, Channel, 3);
            await client.AssertNextEventAsync(Channel, "tick");
            await client.AssertNextEventAsync(Channel, "tick");
            stale = await client.AssertNextEventAsync(Channel, "tick");
            Assert.Equal(3, stale.Offset);
        }

        // The node restarted: its in-memory history is gone and the channel's new stream already has offsets 1 to 5.
        await using var after = await StartAsync(useRedis: false);
        await PublishTicksAsync(after, Channel, 5);
        var resubscribing = await after.ConnectAsync(protocol: protocol);
        var result = await resubscribing.SubscribeAsync(Channel, new { since = new { offset = 2L, epoch = stale.Epoch }, events = (string[]?)null });

        Assert.False(result.Recovered);
        Assert.Empty(result.Missed!);
        Assert.Equal(5, result.Position!.Offset);
        Assert.NotEqual(stale.Epoch, result.Position.Epoch);
        await AssertNextIsLiveTickAsync(after, resubscribing, Channel, offset: 6);
    }

    [Fact]
    public async Task Resubscribe_AfterRedisWasFlushed_IsNotRecovered_AndReportsANewEpoch()
    {
        // A database of its own, so FLUSHDB here touches no other test (pub/sub is not per database).
        var configuration = redis.Configuration + ",defaultDatabase=11";
        await using var server = await ChannelsTestServer.StartAsync(Options(configuration));
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.flush");
        await server.Broadcaster.PublishAsync("history.flush", "tick", 1);
        var seen = await client.AssertNextEventAsync("history.flush", "tick");

        await using (var admin = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true"))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).FlushDatabaseAsync(11);
        }

        await server.Broadcaster.PublishAsync("history.flush", "tick", 2);
        var other = await server.ConnectAsync();
        var result = await other.SubscribeAsync("history.flush", new { since = new { offset = seen.Offset, epoch = seen.Epoch }, events = (string[]?)null });
        Assert.False(result.Recovered);
        Assert.Empty(result.Missed!);
        Assert.NotEqual(seen.Epoch, result.Position!.Epoch);
        Assert.Equal(1, result.Position.Offset);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentPublishers_OnOneNode_DeliverOffsetsInOrder(bool useRedis)
    {
        await using var server = await StartAsync(useRedis);
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.order");

        const int publishers = 8;
        const int perPublisher = 250;
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < perPublisher; i++)
            {
                await server.Broadcaster.PublishAsync("history.order", "tick", new { p, i });
            }
        })));

        for (var expected = 1; expected <= publishers * perPublisher; expected++)
        {
            var received = await client.NextEventAsync();
            Assert.Equal(expected, received.Offset);
        }
    }

    [Fact]
    public async Task PublishersOnTwoNodes_EverySubscriberReceivesEachOffsetExactlyOnce()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix));
        await using var nodeB = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix));
        var onA = await nodeA.ConnectAsync();
        var onB = await nodeB.ConnectAsync();
        await onA.SubscribeAsync("history.cluster");
        await onB.SubscribeAsync("history.cluster");

        const int total = 10_000;
        await Task.WhenAll(
            Task.Run(() => PublishAsync(nodeA, total / 2)),
            Task.Run(() => PublishAsync(nodeB, total / 2)));

        foreach (var client in new[] { onA, onB })
        {
            var offsets = new List<long>(total);
            for (var i = 0; i < total; i++)
            {
                offsets.Add((await client.NextEventAsync()).Offset!.Value);
            }

            // Offsets are unique and gap-free cluster-wide; arrival order across nodes is restored by the
            // clients' reorder buffer (see the client tests), not by the backplane.
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), offsets.Order());
        }

        static async Task PublishAsync(ChannelsTestServer node, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await node.Broadcaster.PublishAsync("history.cluster", "tick", i);
            }
        }
    }

    [Fact]
    public async Task GetHistory_ReadsSinceLimitAndReverse_ForSubscribersOnly()
    {
        await using var server = await StartAsync(useRedis: false);
        var client = await server.ConnectAsync();
        await HubErrors.AssertCodeAsync("not_subscribed", () =>
            client.Connection.InvokeAsync<object>("GetHistory", "history.read", null));

        var position = (await client.SubscribeAsync("history.read")).Position!;
        for (var i = 1; i <= 10; i++)
        {
            await server.Broadcaster.PublishAsync("history.read", "tick", i);
        }

        var forward = await client.Connection.InvokeAsync<HistoryPage>(
            "GetHistory", "history.read", new { since = new { offset = 3, epoch = position.Epoch }, limit = 4, reverse = (bool?)null });
        Assert.Equal([4L, 5, 6, 7], forward.Events!.Select(e => e.Offset!.Value));
        Assert.Equal(10, forward.Position!.Offset);

        var newest = await client.Connection.InvokeAsync<HistoryPage>(
            "GetHistory", "history.read", new { since = (object?)null, limit = 3, reverse = true });
        Assert.Equal([10L, 9, 8], newest.Events!.Select(e => e.Offset!.Value));

        await HubErrors.AssertCodeAsync("invalid_argument", () =>
            client.Connection.InvokeAsync<HistoryPage>("GetHistory", "history.read", new { since = (object?)null, limit = 0, reverse = (bool?)null }));
        await client.SubscribeAsync("plain");
        await HubErrors.AssertCodeAsync("invalid_argument", () =>
            client.Connection.InvokeAsync<HistoryPage>("GetHistory", "plain", null));
    }

    [Fact]
    public async Task PublicChannelWithoutHistory_HasNoPositionOrOffsets()
    {
        await using var server = await StartAsync(useRedis: false);
        var client = await server.ConnectAsync();
        var result = await client.SubscribeAsync("plain.channel");
        Assert.Null(result.Position);
        await server.Broadcaster.PublishAsync("plain.channel", "tick", 1);
        var received = await client.AssertNextEventAsync("plain.channel", "tick");
        Assert.Null(received.Offset);
        Assert.Null(received.Epoch);
    }

    private static async Task PublishTicksAsync(ChannelsTestServer server, string channel, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await server.Broadcaster.PublishAsync(channel, "tick", new { i }).DefaultTimeout();
        }
    }

    /// <summary>Publishes one more tick: a replay the subscribe result did not announce would arrive before it.</summary>
    private static async Task AssertNextIsLiveTickAsync(ChannelsTestServer server, ChannelsTestClient client, string channel, long offset)
    {
        await server.Broadcaster.PublishAsync(channel, "tick", new { live = true }).DefaultTimeout();
        var next = await client.AssertNextEventAsync(channel, "tick");
        Assert.Equal(offset, next.Offset);
        Assert.Equal("""{"live":true}""", next.DataJson());
    }

    public sealed class HistoryPage
    {
        public ReceivedStreamPosition? Position { get; set; }

        public ReceivedEvent[]? Events { get; set; }
    }
}
