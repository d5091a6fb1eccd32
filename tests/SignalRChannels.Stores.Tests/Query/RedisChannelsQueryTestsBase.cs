using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Redis.Presence;
using SignalRChannels.Redis.Query;

namespace SignalRChannels.Stores.Tests.Query;

/// <summary>
/// The query API's counts on a real Redis, two nodes in one process on one fake clock: they equal the truth after
/// connects, subscribes, unsubscribes and disconnects on either node, and after a node dies (its lease expires).
/// On a cluster, the prefix puts the leases and the two nodes' keys on three different masters.
/// </summary>
public abstract class RedisChannelsQueryTestsBase(IRedisTarget redis) : IAsyncLifetime
{
    private readonly string _prefix = redis.NewPrefix(
        "qtest",
        PresenceRedisKeys.Leases,
        p => OccupancyRedisKeys.Connections(p, "node-a"),
        p => OccupancyRedisKeys.Connections(p, "node-b"));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<QueryNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await TestRedis.DeleteKeysAsync(redis.Connection, _prefix);
    }

    [Fact]
    public async Task Counts_AcrossTwoNodes_EqualTheTruthAfterConnectsSubscribesUnsubscribesAndDisconnects()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        await a.ConnectAsync("a1", "alice", "news", "presence-room.1");
        var a2 = await a.ConnectAsync("a2", "bob", "news");
        await a.ConnectAsync("a3", null, "private-orders.1");
        var b1 = await b.ConnectAsync("b1", "alice", "news", "presence-room.1");

        foreach (var query in new[] { a.Query, b.Query })
        {
            Assert.Equal(
                ["news=3", "presence-room.1=2", "private-orders.1=1"],
                (await query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}"));
            Assert.Equal(["presence-room.1"], (await query.GetOccupiedChannelsAsync("presence-").DefaultTimeout()).Select(c => c.Channel));
            Assert.Equal(3, (await query.GetChannelAsync(ChannelName.Parse("news")).DefaultTimeout()).SubscriptionCount);
            Assert.Equal(["a1@node-a", "b1@node-b"], (await query.GetUserConnectionsAsync("alice").DefaultTimeout()).Select(c => $"{c.ConnectionId}@{c.NodeId}"));
            Assert.Equal(["node-a=3", "node-b=1"], (await query.GetNodesAsync().DefaultTimeout()).Select(n => $"{n.NodeId}={n.Connections}"));
        }

        await a.Occupancy.UnsubscribedAsync(ChannelName.Parse("news")).DefaultTimeout();
        await a.Occupancy.DisconnectedAsync(a2, [ChannelName.Parse("news")]).DefaultTimeout();
        await b.Occupancy.DisconnectedAsync(b1, [ChannelName.Parse("news"), ChannelName.Parse("presence-room.1")]).DefaultTimeout();

        Assert.Equal(
            ["presence-room.1=1", "private-orders.1=1"],
            (await b.Query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}"));
        Assert.False((await b.Query.GetChannelAsync(ChannelName.Parse("news")).DefaultTimeout()).Occupied);
        Assert.Empty(await b.Query.GetUserConnectionsAsync("bob").DefaultTimeout());
        var alice = Assert.Single(await b.Query.GetUserConnectionsAsync("alice").DefaultTimeout());
        Assert.Equal(("a1", "node-a", "websockets", "json", _time.GetUtcNow()), (alice.ConnectionId, alice.NodeId, alice.Transport, alice.Protocol!, alice.ConnectedAt));
        Assert.Equal(["node-a=2", "node-b=0"], (await b.Query.GetNodesAsync().DefaultTimeout()).Select(n => $"{n.NodeId}={n.Connections}"));
    }

    [Fact]
    public async Task DeadNode_StopsCountingWhenItsLeaseExpires_AndTheSweepDeletesItsEntries()
    {
        var live = await NodeAsync("node-live");
        var dead = await NodeAsync("node-dead");
        await live.HeartbeatAsync();
        await dead.HeartbeatAsync();
        await live.ConnectAsync("l1", "alice", "news");
        await dead.ConnectAsync("d1", "alice", "news", "private-orders.7");
        await dead.ConnectAsync("d2", "ghost", "news");
        Assert.Equal(3, (await live.Query.GetChannelAsync(ChannelName.Parse("news")).DefaultTimeout()).SubscriptionCount);

        // The dead node stops heartbeating; once its lease is older than the timeout it no longer counts, sweep or not.
        _time.Advance(QueryNode.MemberTimeout + TimeSpan.FromSeconds(1));
        await live.Presence.HeartbeatAsync(default).DefaultTimeout();
        Assert.Equal(["news=1"], (await live.Query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}"));
        Assert.Equal(["l1"], (await live.Query.GetUserConnectionsAsync("alice").DefaultTimeout()).Select(c => c.ConnectionId));
        Assert.Equal(["node-live"], (await live.Query.GetNodesAsync().DefaultTimeout()).Select(n => n.NodeId));

        await live.HeartbeatAsync();
        var contents = await RedisContents.DumpAsync(redis.Connection, _prefix);
        Assert.DoesNotContain(contents, line => line.Contains("node-dead", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains(contents, line => line.Contains(":q:n:{node-live}:channels", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeSweptWhileAlive_RewritesItsCountsAtTheNextHeartbeat()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        await a.ConnectAsync("a1", "alice", "news");
        await b.ConnectAsync("b1", "bob", "news", "chat");

        // b pauses longer than the timeout (a long GC, a partition): a sweeps it although it is alive.
        _time.Advance(QueryNode.MemberTimeout + TimeSpan.FromSeconds(1));
        await a.HeartbeatAsync();
        Assert.Equal(["news=1"], (await a.Query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}"));

        // b resumes: its heartbeat renews the lease and its check finds its counts gone, so it writes them again.
        await b.HeartbeatAsync();
        Assert.Equal(
            ["chat=1", "news=2"],
            (await a.Query.GetOccupiedChannelsAsync().DefaultTimeout()).Select(c => $"{c.Channel}={c.SubscriptionCount}"));
        Assert.Equal(["b1"], (await a.Query.GetUserConnectionsAsync("bob").DefaultTimeout()).Select(c => c.ConnectionId));
        Assert.Equal(["node-a=1", "node-b=1"], (await a.Query.GetNodesAsync().DefaultTimeout()).Select(n => $"{n.NodeId}={n.Connections}"));
    }

    [Fact]
    public async Task OccupancyTransitions_AreDecidedOnceAcrossNodes_AndTheSweepVacatesWhatOnlyADeadNodeHeld()
    {
        var transitions = new RecordedTransitions();
        var a = await NodeAsync("node-a", transitions);
        var b = await NodeAsync("node-b", transitions);
        await a.HeartbeatAsync();
        await b.HeartbeatAsync();

        // Two nodes hold news: occupied once, by the first; vacated once, by the last to leave.
        await a.ConnectAsync("a1", null, "news");
        await b.ConnectAsync("b1", null, "news");
        await a.Occupancy.DisconnectedAsync(a.Connection("a1", null), [ChannelName.Parse("news")]).DefaultTimeout();
        await b.Occupancy.DisconnectedAsync(b.Connection("b1", null), [ChannelName.Parse("news")]).DefaultTimeout();
        Assert.Equal(["+news", "-news"], transitions.Take());

        // b dies holding ghost alone and shared with a: the sweep vacates ghost only, once. It also dies between its
        // count write and its unmark of lost (as if its last subscriber left just before the crash): vacated too.
        await a.ConnectAsync("a2", null, "shared");
        await b.ConnectAsync("b2", null, "shared", "ghost", "lost");
        Assert.Equal(["+ghost", "+lost", "+shared"], transitions.Take().Order(StringComparer.Ordinal));
        await redis.Connection.GetDatabase().HashDeleteAsync(OccupancyRedisKeys.Channels(_prefix, "node-b"), "lost").DefaultTimeout();
        _time.Advance(QueryNode.MemberTimeout + TimeSpan.FromSeconds(1));
        await a.HeartbeatAsync();
        await a.HeartbeatAsync();
        Assert.Equal(["-ghost", "-lost"], transitions.Take().Order(StringComparer.Ordinal));
        await a.Occupancy.DisconnectedAsync(a.Connection("a2", null), [ChannelName.Parse("shared")]).DefaultTimeout();
        Assert.Equal(["-shared"], transitions.Take());
    }

    private Task<QueryNode> NodeAsync(string nodeId, SignalRChannels.Query.IOccupancyTransitions? transitions = null)
    {
        var node = new QueryNode(redis.Connection, _prefix, nodeId, _time, transitions);
        _nodes.Add(node);
        return Task.FromResult(node);
    }
}
