using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Query;

/// <summary>
/// Changes made while Redis is away (the test's own redis-server, killed and restarted with its data) are not lost:
/// once Redis is back, the heartbeat's check finds the stored counts stale and the node rewrites them from its own.
/// </summary>
public sealed class QueryRedisOutageTests
{
    [Fact]
    public async Task ChangesDuringAnOutage_AreInTheCountsOnceRedisReturns()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: true);
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(redis, prefix);
        await using var nodeB = await StartNodeAsync(redis, prefix);
        var stays = await nodeA.ConnectAsync();
        var leaves = await nodeA.ConnectAsync();
        var onB = await nodeB.ConnectAsync();
        await stays.SubscribeAsync("news");
        await leaves.SubscribeAsync("news");
        await leaves.SubscribeAsync("sports");
        await onB.SubscribeAsync("news");
        Assert.Equal(["news=3", "sports=1"], await OccupiedAsync(nodeB.Query()));

        await redis.KillAsync();
        await leaves.DisposeAsync();
        var local = nodeA.Services.GetRequiredService<SignalRChannels.Query.NodeOccupancy>();
        await Poll.UntilAsync(() => local.Connections == 1, "node A counted the disconnect in memory");
        await redis.RestartAsync();

        // Redis came back with the counts it had before the outage; nothing but the next heartbeats can repair them.
        await Poll.UntilAsync(async () => (await TryOccupiedAsync(nodeB.Query())).SequenceEqual(["news=2"]), "the counts equal the truth again");
        Assert.Equal(2, (await nodeB.Query().GetNodesAsync().DefaultTimeout()).Sum(n => n.Connections));
    }

    private static Task<ChannelsTestServer> StartNodeAsync(RedisProcess redis, string prefix) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        RedisConfiguration = redis.Configuration,
        RedisPrefix = prefix,
        ConfigureBuilder = builder => builder.Services.Configure<PresenceOptions>(o =>
        {
            o.MemberTimeout = TimeSpan.FromSeconds(5);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(250);
        }),
    });

    private static async Task<string[]> OccupiedAsync(IChannelsQuery query) =>
        (await query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}").ToArray();

    private static async Task<string[]> TryOccupiedAsync(IChannelsQuery query)
    {
        try
        {
            return await OccupiedAsync(query);
        }
        catch (StackExchange.Redis.RedisException)
        {
            return [];
        }
    }
}
