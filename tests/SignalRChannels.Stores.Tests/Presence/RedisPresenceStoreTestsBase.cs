using SignalRChannels.Redis.Presence;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Presence;

/// <summary>
/// The presence contract on the Redis store, plus what is particular to Redis: what a sweep leaves behind, claims of
/// dead nodes, sweeps in pages. Each test has its own key prefix (on a cluster, one that puts the leases and the two
/// channels the tests use most on three different masters).
/// </summary>
public abstract class RedisPresenceStoreTestsBase : PresenceStoreSpecification, IAsyncLifetime
{
    private readonly IRedisTarget _redis;
    private readonly string _prefix;

    protected RedisPresenceStoreTestsBase(IRedisTarget redis, ITestOutputHelper output)
        : base(output)
    {
        _redis = redis;
        _prefix = redis.NewPrefix(
            "ptest",
            PresenceRedisKeys.Leases,
            _ => PresenceRedisKeys.Counts("any", Chat),
            _ => PresenceRedisKeys.Counts("any", Lobby));
    }

    private long CutoffMilliseconds => (Time.GetUtcNow() - MemberTimeout).ToUnixTimeMilliseconds();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestRedis.DeleteKeysAsync(_redis.Connection, _prefix);

    protected override Task<IPresenceStore> CreateNodeAsync(string nodeId, int maxMemberInfoBytes = 1024) =>
        Task.FromResult<IPresenceStore>(new RedisPresenceStore(_redis.Connection, NodeOptions(nodeId, maxMemberInfoBytes), _prefix, Time));

    [Fact]
    public async Task Sweep_LeavesNoKeyOrEntryOfTheDeadNodeOrItsMembers()
    {
        var dead = await CreateNodeAsync("node-dead");
        var live = await CreateNodeAsync("node-live");
        await dead.JoinAsync(Chat, Member("ghost-1"), "conn-dead-1", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("ghost-1"), "conn-dead-2", default).DefaultTimeout();
        await dead.JoinAsync(Lobby, Member("ghost-2"), "conn-dead-3", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("shared"), "conn-dead-4", default).DefaultTimeout();
        await live.JoinAsync(Chat, Member("shared"), "conn-live-1", default).DefaultTimeout();
        Assert.Contains(await RedisContents.DumpAsync(_redis.Connection, _prefix), line => line.Contains("node-dead", StringComparison.Ordinal));

        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        Assert.Equal(2, (await live.SweepAsync(default).DefaultTimeout()).Count);
        var contents = await RedisContents.DumpAsync(_redis.Connection, _prefix);

        Output.WriteLine(string.Join(Environment.NewLine, contents));
        Assert.DoesNotContain(contents, line => line.Contains("node-dead", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains("conn-dead", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains("ghost", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains(":p:c:{" + Lobby.Value + "}", StringComparison.Ordinal));
        Assert.Contains(contents, line => line.Contains("conn-live-1", StringComparison.Ordinal));
        Assert.Equal(["shared"], (await live.GetMembersAsync(Chat, default).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task ClaimScript_RunTwiceConcurrentlyForOneDeadNode_ClaimsItOnce()
    {
        var dead = await CreateNodeAsync("node-dead");
        await dead.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);

        var claims = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ClaimAsync("node-dead", CutoffMilliseconds))).DefaultTimeout();

        Assert.Equal([0L, 1L], claims.Order());
    }

    [Fact]
    public async Task Claim_NodeThatHeartbeatsAfterBeingListed_IsSpared()
    {
        var late = await CreateNodeAsync("node-late");
        await late.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);
        var staleCutoff = CutoffMilliseconds;

        // The sweeper listed the node as expired, then the node heartbeated before the claim ran.
        await late.HeartbeatAsync(default).DefaultTimeout();

        Assert.Equal(0L, await ClaimAsync("node-late", staleCutoff));
        Assert.Equal(1, await late.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Heartbeat_WhileASweeperHoldsAFreshClaim_LeavesTheClaim_AndReportsTheLossOnceTheSweepReleasedIt()
    {
        var node = await CreateNodeAsync("node-slow");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Assert.True(await node.HeartbeatAsync(default).DefaultTimeout());
        Time.Advance(MemberTimeout + HeartbeatInterval);
        var claim = -Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(1L, await ClaimAsync("node-slow", CutoffMilliseconds));
        var database = _redis.Connection.GetDatabase();

        // The node was only slow: it heartbeats while the sweep runs, which must end before it joins anything again.
        var duringTheSweep = await node.HeartbeatAsync(default).DefaultTimeout();
        var scoreDuringTheSweep = await database.SortedSetScoreAsync(PresenceRedisKeys.Leases(_prefix), "node-slow");
        var released = (long)await PresenceRedisScripts.Release.EvaluateAsync(database, [PresenceRedisKeys.Leases(_prefix)], ["node-slow", claim]).DefaultTimeout();
        var afterTheSweep = await node.HeartbeatAsync(default).DefaultTimeout();

        Assert.True(duringTheSweep);
        Assert.Equal(claim, (long?)scoreDuringTheSweep);
        Assert.Equal(1L, released);
        Assert.False(afterTheSweep);
        Assert.True(await database.SortedSetScoreAsync(PresenceRedisKeys.Leases(_prefix), "node-slow") > 0);
    }

    [Fact]
    public async Task Release_AfterTheNodeRenewedOverAStaleClaim_KeepsItsRenewedLease()
    {
        var node = await CreateNodeAsync("node-slow");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);
        var claim = -Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(1L, await ClaimAsync("node-slow", CutoffMilliseconds));

        // The sweeper stalls for longer than the timeout; the node renews over its claim before anyone takes it over.
        Time.Advance(MemberTimeout + HeartbeatInterval);
        await node.HeartbeatAsync(default).DefaultTimeout();
        var released = await PresenceRedisScripts.Release.EvaluateAsync(_redis.Connection.GetDatabase(), [PresenceRedisKeys.Leases(_prefix)], ["node-slow", claim]).DefaultTimeout();

        Assert.Equal(0L, (long)released);
        var score = await _redis.Connection.GetDatabase().SortedSetScoreAsync(PresenceRedisKeys.Leases(_prefix), "node-slow");
        Assert.True(score > 0, $"lease score {score}");
    }

    [Fact]
    public async Task Sweep_NodeClaimedByASweeperThatStopped_IsSweptByAnotherOnceTheClaimIsOlderThanTheTimeout()
    {
        var dead = await CreateNodeAsync("node-dead");
        var live = await CreateNodeAsync("node-live");
        await dead.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);

        // A sweeper claims the dead node and dies before sweeping it.
        Assert.Equal(1L, await ClaimAsync("node-dead", CutoffMilliseconds));
        await live.HeartbeatAsync(default).DefaultTimeout();
        var whileClaimed = await live.SweepAsync(default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        var takenOver = await live.SweepAsync(default).DefaultTimeout();

        Assert.Empty(whileClaimed);
        Assert.Equal(["u1"], takenOver.Select(e => e.Member.Id));
        Assert.DoesNotContain(await RedisContents.DumpAsync(_redis.Connection, _prefix), line => line.Contains("node-dead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_DeadNodeWithMoreConnectionsThanOnePage_ExpiresEveryMemberOnce()
    {
        const int connections = 2_500;
        var channels = new[] { Chat, Lobby, ChannelName.Parse("presence-room.9") };
        var dead = await CreateNodeAsync("node-dead");
        var live = await CreateNodeAsync("node-live");
        await Task.WhenAll(Enumerable.Range(0, connections).Select(i =>
            dead.JoinAsync(channels[i % channels.Length], Member($"u{i / 2}"), $"c{i}", default).AsTask())).DefaultTimeout();

        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        var expired = await live.SweepAsync(default).DefaultTimeout();

        // Member u{k} joined with c{2k} and c{2k+1}: in two channels, each its only connection there.
        Assert.Equal(connections, expired.Select(e => $"{e.Channel}/{e.Member.Id}").Distinct().Count());
        Assert.Equal(channels.Select(c => c.Value).Order(), expired.Where(e => e.ChannelVacated).Select(e => e.Channel.Value).Order());
        var line = Assert.Single(await RedisContents.DumpAsync(_redis.Connection, _prefix));
        Assert.StartsWith($"{_prefix}:p:leases node-live ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leave_EveryConnection_LeavesOnlyTheNodesLease()
    {
        var node = await CreateNodeAsync("node-a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        await node.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout();
        await node.JoinAsync(Lobby, Member("u2"), "c1", default).DefaultTimeout();

        await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();
        await node.LeaveAsync(Chat, "u1", "c2", default).DefaultTimeout();
        await node.LeaveAsync(Lobby, "u2", "c1", default).DefaultTimeout();

        var line = Assert.Single(await RedisContents.DumpAsync(_redis.Connection, _prefix));
        Assert.StartsWith($"{_prefix}:p:leases node-a ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_RecordsTheConnectionInItsNodesSetAndTheChannelsKeys()
    {
        var node = await CreateNodeAsync("node-a");

        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        var database = _redis.Connection.GetDatabase();
        Assert.Equal(["presence-chat.1\nc1"], (await database.SetMembersAsync(PresenceRedisKeys.Node(_prefix, "node-a"))).Select(e => (string)e!));
        Assert.Equal("u1", (string?)await database.HashGetAsync(PresenceRedisKeys.Connections(_prefix, Chat), "c1"));
        Assert.Equal($"{_prefix}:p:c:{{presence-chat.1}}:conns", PresenceRedisKeys.Connections(_prefix, Chat).ToString());
    }

    [Fact]
    public async Task Heartbeat_ScoresTheLeaseWithTheTimeProvidersClock()
    {
        var node = await CreateNodeAsync("node-a");

        await node.HeartbeatAsync(default).DefaultTimeout();

        var score = await _redis.Connection.GetDatabase().SortedSetScoreAsync(PresenceRedisKeys.Leases(_prefix), "node-a");
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), (long?)score);
    }

    /// <summary>Runs the claim script as a sweeper does, at the fake clock's time.</summary>
    private async Task<long> ClaimAsync(string nodeId, long cutoff) =>
        (long)await PresenceRedisScripts.Claim.EvaluateAsync(
            _redis.Connection.GetDatabase(),
            [PresenceRedisKeys.Leases(_prefix)],
            [nodeId, cutoff, -Time.GetUtcNow().ToUnixTimeMilliseconds(), CutoffMilliseconds]).DefaultTimeout();
}
