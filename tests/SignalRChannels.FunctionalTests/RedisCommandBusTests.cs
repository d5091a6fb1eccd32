using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace SignalRChannels.FunctionalTests;

/// <summary>The Redis command bus as operators meet it: hostile messages on its channel and stream, Redis down at start-up, Redis restarted.</summary>
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
        // The commands themselves live in the stream the nodes read: hostile entries there are skipped too.
        await raw.GetDatabase().StreamAddAsync(prefix + ":cmd", "c", garbage);
        await raw.GetDatabase().StreamAddAsync(prefix + ":cmd", "not-the-field", garbage);
        await manager.RemoveConnectionAsync(client.ConnectionId, "*");

        var notice = await client.AssertNextEventAsync("news", "channel:unsubscribed");
        Assert.Contains("revoked", notice.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevocationSentRightAfterARedisRestart_ReachesEveryNode_EvenBeforeTheirPubSubIsBack()
    {
        await using var ownRedis = await RedisProcess.StartAsync(persistent: false);
        var prefix = RedisFixture.NewPrefix();
        ChannelsTestServer[] nodes = [await StartNodeAsync(ownRedis, prefix), await StartNodeAsync(ownRedis, prefix)];
        try
        {
            // Three rounds: whether a node's pub/sub is back before the command is a race, which the old pub/sub-only bus lost in about one round in three.
            for (var round = 0; round < 3; round++)
            {
                var clients = new List<ChannelsTestClient>();
                foreach (var node in nodes)
                {
                    var client = await node.ConnectAsync();
                    await client.SubscribeAsync("news");
                    clients.Add(client);
                }

                await ownRedis.KillAsync();
                await ownRedis.RestartAsync();
                // Sent as soon as Redis takes it: the nodes' pub/sub connections may still be reconnecting, so the wake-up can be lost.
                var manager = nodes[round % 2].Services.GetRequiredService<IChannelSubscriptionManager>();
                await Poll.UntilAsync(() => TryRevokeAsync(manager, clients), "Redis takes the revocations");

                foreach (var client in clients)
                {
                    var notice = await client.AssertNextEventAsync("news", "channel:unsubscribed");
                    Assert.Contains("revoked", notice.DataJson(), StringComparison.Ordinal);
                    await client.DisposeAsync();
                }
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<bool> TryRevokeAsync(IChannelSubscriptionManager manager, List<ChannelsTestClient> clients)
    {
        try
        {
            foreach (var client in clients)
            {
                await manager.RemoveConnectionAsync(client.ConnectionId, "news");
            }

            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private static Task<ChannelsTestServer> StartNodeAsync(RedisProcess redis, string prefix) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        RedisConfiguration = $"127.0.0.1:{redis.Port},connectTimeout=500,asyncTimeout=500",
        RedisPrefix = prefix,
    });

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
