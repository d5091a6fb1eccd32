using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using SignalRChannels.Redis.Internal;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.History;

/// <summary>
/// On Redis, a history publish is appended and handed to SignalR's backplane by one script: the other node's
/// subscribers get every event once, in offset order, over both protocols, with toOthers honoured, and no node sends
/// a second, separate PUBLISH for them. On a <c>redis-server</c> of the test's own.
/// </summary>
public sealed class HistoryAppendPublishTests
{
    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task HistoryPublishes_ArePublishedByTheAppendScript_AndArriveOnTheOtherNodeInOffsetOrder(WireProtocol protocol)
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        // One prefix: the two nodes share the backplane and the history.
        var prefix = "append-publish-" + Guid.NewGuid().ToString("N")[..8];
        await using var publisherNode = await ChannelsTestServer.StartAsync(HistoryTests.Options(redis.Configuration, prefix));
        await using var subscriberNode = await ChannelsTestServer.StartAsync(HistoryTests.Options(redis.Configuration, prefix));
        Assert.True(await BackplaneCheckedAsync(publisherNode), "the publishing node's backplane check failed");
        Assert.True(await BackplaneCheckedAsync(subscriberNode), "the subscribing node's backplane check failed");

        const string channel = "history.scripted";
        var subscriber = await subscriberNode.ConnectAsync(protocol: protocol);
        var excluded = await subscriberNode.ConnectAsync(protocol: protocol);
        await subscriber.SubscribeAsync(channel);
        await excluded.SubscribeAsync(channel);
        await using var monitor = await RedisMonitor.StartAsync(redis.Configuration, channel);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        const int publishes = 150;
        await Task.WhenAll(Enumerable.Range(1, publishes).Select(i => publisherNode.Broadcaster.PublishAsync(
            channel, "tick", new { i, text = "é \"quoted\" <b>" + new string('x', i * 3) }, toOthers: i == publishes ? excluded.ConnectionId : null)));

        var seen = new HashSet<int>();
        for (var offset = 1; offset <= publishes; offset++)
        {
            var received = await subscriber.AssertNextEventAsync(channel, "tick");
            Assert.Equal(offset, received.Offset);
            Assert.False(string.IsNullOrEmpty(received.Epoch));
            var data = System.Text.Json.JsonDocument.Parse(received.DataJson()).RootElement;
            var i = data.GetProperty("i").GetInt32();
            Assert.Equal("é \"quoted\" <b>" + new string('x', i * 3), data.GetProperty("text").GetString());
            Assert.True(seen.Add(i));
        }

        // The excluded connection got every event but the one published to the others.
        for (var offset = 1; offset < publishes; offset++)
        {
            var received = await excluded.AssertNextEventAsync(channel, "tick");
            Assert.NotEqual(publishes, System.Text.Json.JsonDocument.Parse(received.DataJson()).RootElement.GetProperty("i").GetInt32());
        }

        await monitor.SettleAsync(admin.GetDatabase());
        Assert.Equal(publishes, monitor.Count("\"PUBLISH\"", "lua]"));
        Assert.Equal(publishes, monitor.Count("\"PUBLISH\""));
    }

    [Fact]
    public async Task AnEventWhosePayloadHoldsThePlaceholders_GetsNoTemplate_SoItIsSentTheUsualWay()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        await using var server = await ChannelsTestServer.StartAsync(HistoryTests.Options(redis.Configuration));
        var store = Assert.IsType<RedisChannelEventStore>(server.Services.GetRequiredService<IChannelEventStore>());
        Assert.True(await store.BackplaneChecked.DefaultTimeout());

        // A payload that holds the placeholder is refused a template rather than spliced at the wrong place.
        var backplane = store.Backplane!;
        var tricky = new ChannelEvent
        {
            Channel = "history.t",
            Event = "e",
            Data = System.Text.Json.JsonDocument.Parse($$"""{"offset":{{BackplaneMessages.PlaceholderOffset}}}""").RootElement,
            Timestamp = 1,
        };
        Assert.False(backplane.TryAddTemplate([], tricky, null));
    }

    private static Task<bool> BackplaneCheckedAsync(ChannelsTestServer server) =>
        Assert.IsType<RedisChannelEventStore>(server.Services.GetRequiredService<IChannelEventStore>()).BackplaneChecked.DefaultTimeout();
}
