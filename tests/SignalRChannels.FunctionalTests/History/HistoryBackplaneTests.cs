using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.History;

/// <summary>
/// A publish to a history channel is accepted once it is stored: it does not wait for SignalR's Redis backplane too.
/// The backplane here runs on a Redis of the test's own, separate from the store's, so one can hang while the other answers.
/// </summary>
public sealed class HistoryBackplaneTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task PublishToAHistoryChannel_CompletesOnceStored_WhileTheBackplaneHangs_AndTheEventStillArrivesInOrder()
    {
        await using var backplane = await RedisProcess.StartAsync(persistent: false);
        await using var server = await ChannelsTestServer.StartAsync(HistoryTests.Options(
            redis.Configuration,
            size: 100,
            configureBuilder: builder => builder.Services.Configure<RedisOptions>(o =>
                o.ConnectionFactory = async writer => await ConnectionMultiplexer.ConnectAsync(backplane.Configuration, writer))));
        const string channel = "history.backplane";
        var client = await server.ConnectAsync();
        await client.SubscribeAsync(channel);
        await server.Broadcaster.PublishAsync(channel, "tick", new { i = 1 });
        Assert.Equal(1, (await client.AssertNextEventAsync(channel, "tick")).Offset);

        backplane.Pause();
        try
        {
            // The backplane takes the PUBLISH into its socket buffer and answers nothing; its 2 s timeout would fail a
            // publish that waited for it (the pipeline did until #21). The store answers, so these are accepted.
            await server.Broadcaster.PublishAsync(channel, "tick", new { i = 2 });
            await server.Broadcaster.PublishAsync(channel, "tick", new { i = 3 });
            var history = await client.Connection.InvokeAsync<HistoryTests.HistoryPage>(
                "GetHistory", channel, new { since = (object?)null, limit = 10, reverse = (bool?)null });
            Assert.Equal([1L, 2, 3], history.Events!.Select(e => e.Offset!.Value));
        }
        finally
        {
            backplane.Resume();
        }

        // Once the backplane answers again, what it took is delivered, in offset order, and later publishes follow.
        await server.Broadcaster.PublishAsync(channel, "tick", new { i = 4 });
        for (var offset = 2; offset <= 4; offset++)
        {
            var received = await client.AssertNextEventAsync(channel, "tick");
            Assert.Equal(offset, received.Offset);
            Assert.Equal($"{{\"i\":{offset}}}", received.DataJson());
        }

        // With the backplane on another Redis, the store's script could not reach SignalR: the node checked and kept the
        // two-call path (a script publish would have lost every event above).
        var store = Assert.IsType<SignalRChannels.Redis.Internal.RedisChannelEventStore>(server.Services.GetRequiredService<IChannelEventStore>());
        Assert.False(await store.BackplaneChecked.DefaultTimeout());
    }
}
