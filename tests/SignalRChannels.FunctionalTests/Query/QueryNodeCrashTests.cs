using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.Query;

/// <summary>
/// A node killed with SIGKILL (a real server process; no cleanup runs): once its lease expires, the survivor's query
/// counts only what is alive, and the sweep leaves none of the dead node's counts in Redis.
/// </summary>
public sealed class QueryNodeCrashTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int HeartbeatMs = 250;
    private const int TimeoutMs = 2000;

    [Fact]
    public async Task KilledNode_StopsCountingAfterItsLeaseExpires_AndItsCountsAreSwept()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var doomed = await ServerProcess.StartAsync(redis.Configuration, prefix, HeartbeatMs, TimeoutMs);
        var options = ChannelsQueryTests.Options(redis.Configuration, prefix);
        await using var survivor = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = options.RedisConfiguration,
            RedisPrefix = prefix,
            Channels = options.Channels,
            ConfigureApp = options.ConfigureApp,
            ConfigureBuilder = builder =>
            {
                options.ConfigureBuilder!(builder);
                builder.Services.Configure<PresenceOptions>(o =>
                {
                    o.HeartbeatInterval = TimeSpan.FromMilliseconds(HeartbeatMs);
                    o.MemberTimeout = TimeSpan.FromMilliseconds(TimeoutMs);
                });
            },
        });
        var news = TestChannels.Unique("news");
        var onSurvivor = await survivor.ConnectAsync(accessToken: "alice;Alice;");
        await onSurvivor.SubscribeAsync(news);
        var doomedUrl = new Uri(doomed.BaseAddress, "/hubs/test");
        for (var i = 0; i < 3; i++)
        {
            var client = await ChannelsTestClient.ConnectAsync(doomedUrl, HttpTransportType.WebSockets, WireProtocol.Json, accessToken: $"ghost-{i};Ghost;");
            await client.SubscribeAsync(news);
        }

        var query = survivor.Query();
        Assert.Equal(4, (await query.GetChannelAsync(ChannelName.Parse(news)).DefaultTimeout()).SubscriptionCount);
        Assert.Equal(2, (await query.GetNodesAsync().DefaultTimeout()).Count);
        Assert.Single(await query.GetUserConnectionsAsync("ghost-1").DefaultTimeout());

        doomed.Kill();

        // Expiry is the passing of MemberTimeout on real clocks of two processes: nothing to await but the count.
        await Poll.UntilAsync(
            async () => (await query.GetChannelAsync(ChannelName.Parse(news)).DefaultTimeout()).SubscriptionCount == 1,
            "the killed node's subscriptions no longer count");
        Assert.Single(await query.GetNodesAsync().DefaultTimeout());
        Assert.Empty(await query.GetUserConnectionsAsync("ghost-1").DefaultTimeout());
        Assert.Single(await query.GetUserConnectionsAsync("alice").DefaultTimeout());

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var survivorId = survivor.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PresenceOptions>>().Value.NodeId;
        string[] expectedKeys = [$"{prefix}:q:n:{{{survivorId}}}:channels", $"{prefix}:q:n:{{{survivorId}}}:connections", $"{prefix}:q:n:{{{survivorId}}}:users"];
        await Poll.UntilAsync(
            () => server.Keys(pattern: $"{prefix}:q:n:*").Select(k => (string)k!).Order().SequenceEqual(expectedKeys),
            "the sweep deleted the killed node's counts");
        Assert.Equal(1, (long)await connection.GetDatabase().StringGetAsync($"{prefix}:q:n:{{{survivorId}}}:connections"));
    }
}
