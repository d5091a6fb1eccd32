using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace SignalRChannels.FunctionalTests;

/// <summary>The Redis command bus as operators meet it: hostile messages on its channel, and Redis down at start-up.</summary>
public sealed class RedisCommandBusTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [InlineData("not json")]
    [InlineData("{\"kind\":\"revoke-user\"}")]
    [InlineData("null")]
    [InlineData("{\"kind\":\"revoke-user\",\"target\":\"x\",\"pattern\":\"[\"}")]
    public async Task MalformedCommand_IsDropped_AndLaterRevocationsStillApply(string garbage)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions { RedisConfiguration = redis.Configuration, RedisPrefix = prefix });
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("news");
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var manager = server.Services.GetRequiredService<IChannelSubscriptionManager>();

        // Sent until the node is subscribed (it subscribes in the background at start-up): a receiver count of 1.
        await Poll.UntilAsync(
            async () => await raw.GetSubscriber().PublishAsync(RedisChannel.Literal(prefix + ":commands"), garbage) == 1,
            "the node listens on its command channel");
        await manager.RemoveConnectionAsync(client.ConnectionId, "*");

        var notice = await client.AssertNextEventAsync("news", "channel:unsubscribed");
        Assert.Contains("revoked", notice.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisUnreachableAtStartUp_DoesNotBlockTheHostFromStarting()
    {
        var started = Stopwatch.StartNew();

        // A port nothing listens on: the connect runs in the background and keeps retrying.
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = "127.0.0.1:1,connectTimeout=5000",
            RedisPrefix = RedisFixture.NewPrefix(),
        });

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"the host took {started.Elapsed} to start");
    }
}
