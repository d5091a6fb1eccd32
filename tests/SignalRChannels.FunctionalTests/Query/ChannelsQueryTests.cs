using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Query;

/// <summary>
/// <see cref="IChannelsQuery"/> behind real Kestrel nodes and real clients: in memory on one node, and on the real
/// Redis with one and two nodes; every node's answer equals the truth after subscribes, unsubscribes and disconnects.
/// </summary>
public sealed class ChannelsQueryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TestUser Alice = new("alice", "Alice");
    private static readonly TestUser Bob = new("bob", "Bob");

    public static TheoryData<string> Clusters => new() { "memory", "redis-1", "redis-2" };

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task Counts_EqualTheTruth_AfterSubscribesUnsubscribesAndDisconnects(string cluster)
    {
        var prefix = RedisFixture.NewPrefix();
        var configuration = cluster == "memory" ? null : redis.Configuration;
        await using var nodeA = await ChannelsTestServer.StartAsync(Options(configuration, prefix));
        await using var nodeB = cluster == "redis-2" ? await ChannelsTestServer.StartAsync(Options(configuration, prefix)) : null;
        var other = nodeB ?? nodeA;
        var news = TestChannels.Unique("news");
        var room = $"presence-room.{Guid.NewGuid():N}";

        var alice1 = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var alice2 = await other.ConnectAsync(HttpTransportType.LongPolling, WireProtocol.MessagePack, accessToken: Alice.Token);
        var bob = await other.ConnectAsync(accessToken: Bob.Token);
        var anonymous = await nodeA.ConnectAsync();
        await alice1.SubscribeAsync(news);
        await alice1.SubscribeAsync(room);
        await alice2.SubscribeAsync(room);
        await bob.SubscribeAsync(news);
        await bob.SubscribeAsync(room);
        await anonymous.SubscribeAsync(news);

        foreach (var query in Queries(nodeA, nodeB))
        {
            Assert.Equal([$"{news}=3", $"{room}=3"], await OccupiedAsync(query, news, room));
            Assert.Equal([room], (await query.GetOccupiedChannelsAsync(room).DefaultTimeout()).Select(c => c.Channel));
            var roomInfo = await query.GetChannelAsync(ChannelName.Parse(room)).DefaultTimeout();
            Assert.Equal((3L, 2), (roomInfo.SubscriptionCount, roomInfo.UserCount));
            Assert.Null((await query.GetChannelAsync(ChannelName.Parse(news)).DefaultTimeout()).UserCount);
            Assert.Equal(["alice", "bob"], (await query.GetMembersAsync(ChannelName.Parse(room)).DefaultTimeout()).Select(m => m.Id).Order());
            var connections = await query.GetUserConnectionsAsync("alice").DefaultTimeout();
            Assert.Equal(
                ["longpolling/messagepack", "websockets/json"],
                connections.Select(c => $"{c.Transport}/{c.Protocol}").Order());
            Assert.Equal(4, (await query.GetNodesAsync().DefaultTimeout()).Sum(n => n.Connections));
        }

        await bob.UnsubscribeAsync(news);
        Assert.Equal([$"{news}=2", $"{room}=3"], await OccupiedAsync(nodeA.Query(), news, room));

        await alice2.DisposeAsync();
        await bob.DisposeAsync();
        foreach (var query in Queries(nodeA, nodeB))
        {
            // A disconnect has no signal of its own the test could await: its bookkeeping ends after the client is gone.
            await Poll.UntilAsync(async () => (await OccupiedAsync(query, news, room)).SequenceEqual([$"{news}=2", $"{room}=1"]), "the disconnects are counted");
            Assert.Equal(1, (await query.GetChannelAsync(ChannelName.Parse(room)).DefaultTimeout()).UserCount);
            Assert.Single(await query.GetUserConnectionsAsync("alice").DefaultTimeout());
            Assert.Empty(await query.GetUserConnectionsAsync("bob").DefaultTimeout());
            Assert.Equal(2, (await query.GetNodesAsync().DefaultTimeout()).Sum(n => n.Connections));
        }
    }

    [Fact]
    public async Task Nodes_ListEveryLiveNodeOfTheCluster_WithItsConnections()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix));
        await using var nodeB = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix));
        await nodeA.ConnectAsync();
        await nodeB.ConnectAsync();
        await nodeB.ConnectAsync();

        var expected = new[] { (NodeIdOf(nodeA), 1L), (NodeIdOf(nodeB), 2L) }.OrderBy(n => n.Item1, StringComparer.Ordinal);
        // SignalR completes the handshake before the hub's OnConnectedAsync runs: nothing to await but the count itself.
        await Poll.UntilAsync(
            async () => (await nodeA.Query().GetNodesAsync().DefaultTimeout()).Select(n => (n.NodeId, n.Connections)).SequenceEqual(expected),
            "both nodes are listed with their connections");
    }

    internal static ChannelsTestServerOptions Options(string? redisConfiguration, string prefix) => new()
    {
        RedisConfiguration = redisConfiguration,
        RedisPrefix = prefix,
        ConfigureBuilder = TestAuthenticationHandler.AddTo,
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels => channels.Presence("room.{id}", (System.Security.Claims.ClaimsPrincipal user) =>
            user.Identity?.IsAuthenticated == true
                ? new PresenceMember(user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, new { name = user.Identity.Name })
                : null),
    };

    private static IEnumerable<IChannelsQuery> Queries(ChannelsTestServer nodeA, ChannelsTestServer? nodeB) =>
        nodeB is null ? [nodeA.Query()] : [nodeA.Query(), nodeB.Query()];

    private static async Task<string[]> OccupiedAsync(IChannelsQuery query, params string[] channels) =>
        (await query.GetOccupiedChannelsAsync().DefaultTimeout())
            .Where(c => channels.Contains(c.Channel))
            .Select(c => $"{c.Channel}={c.SubscriptionCount}")
            .ToArray();

    private static string NodeIdOf(ChannelsTestServer node) =>
        node.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PresenceOptions>>().Value.NodeId;
}
