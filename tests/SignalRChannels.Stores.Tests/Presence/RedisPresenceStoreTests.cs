using SignalRChannels.Redis.Presence;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Presence;

public sealed class RedisPresenceStoreTests(ITestOutputHelper output) : PresenceStoreSpecification(output), IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await RedisTestServer.DeleteKeysAsync(await RedisTestServer.SharedAsync(), _prefix);

    protected override async Task<IPresenceStore> CreateNodeAsync(string nodeId, int maxMemberInfoBytes = 1024) =>
        new RedisPresenceStore(await RedisTestServer.SharedAsync().DefaultTimeout(), NodeOptions(nodeId, maxMemberInfoBytes), _prefix, Time);

    [Fact]
    public async Task Sweep_LeavesNoKeyOrEntryOfTheDeadNodeOrItsMembers()
    {
        var redis = await RedisTestServer.SharedAsync().DefaultTimeout();
        var dead = await CreateNodeAsync("node-dead");
        var live = await CreateNodeAsync("node-live");
        await dead.JoinAsync(Chat, Member("ghost-1"), "conn-dead-1", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("ghost-1"), "conn-dead-2", default).DefaultTimeout();
        await dead.JoinAsync(Lobby, Member("ghost-2"), "conn-dead-3", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("shared"), "conn-dead-4", default).DefaultTimeout();
        await live.JoinAsync(Chat, Member("shared"), "conn-live-1", default).DefaultTimeout();
        Assert.Contains(await RedisContents.DumpAsync(redis, _prefix), line => line.Contains("node-dead", StringComparison.Ordinal));

        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        Assert.Equal(2, (await live.SweepAsync(default).DefaultTimeout()).Count);
        var contents = await RedisContents.DumpAsync(redis, _prefix);

        Output.WriteLine(string.Join(Environment.NewLine, contents));
        Assert.DoesNotContain(contents, line => line.Contains("node-dead", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains("conn-dead", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains("ghost", StringComparison.Ordinal));
        Assert.DoesNotContain(contents, line => line.Contains(":p:c:" + Lobby.Value, StringComparison.Ordinal));
        Assert.Contains(contents, line => line.Contains("conn-live-1", StringComparison.Ordinal));
        Assert.Equal(["shared"], (await live.GetMembersAsync(Chat, default).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task SweepScript_RunTwiceConcurrentlyForOneDeadNode_ClaimsItOnce()
    {
        var redis = await RedisTestServer.SharedAsync().DefaultTimeout();
        var dead = await CreateNodeAsync("node-dead");
        for (var i = 0; i < 100; i++)
        {
            await dead.JoinAsync(Chat, Member($"u{i}"), $"c{i}", default).DefaultTimeout();
        }

        Time.Advance(MemberTimeout + HeartbeatInterval);
        var cutoff = (Time.GetUtcNow() - MemberTimeout).ToUnixTimeMilliseconds();
        var database = redis.GetDatabase();
        var claims = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => database.ScriptEvaluateAsync(
            PresenceRedisScripts.Sweep,
            PresenceRedisKeys.SweepKeys(_prefix, "node-dead"),
            [
                "node-dead",
                cutoff,
                PresenceRedisKeys.ChannelKeyPrefix(_prefix),
                PresenceRedisKeys.ConnectionsSuffix,
                PresenceRedisKeys.CountsSuffix,
                PresenceRedisKeys.InfoSuffix,
            ]))).DefaultTimeout();

        Assert.Equal([0, 400], claims.Select(c => ((RedisResult[])c!).Length).Order());
    }

    [Fact]
    public async Task Sweep_NodeThatHeartbeatsAfterBeingListed_IsSpared()
    {
        var redis = await RedisTestServer.SharedAsync().DefaultTimeout();
        var late = await CreateNodeAsync("node-late");
        await late.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);
        var staleCutoff = (Time.GetUtcNow() - MemberTimeout).ToUnixTimeMilliseconds();

        // The sweeper listed the node as expired, then the node heartbeated before the claim ran.
        await late.HeartbeatAsync(default).DefaultTimeout();
        var claim = await redis.GetDatabase().ScriptEvaluateAsync(
            PresenceRedisScripts.Sweep,
            PresenceRedisKeys.SweepKeys(_prefix, "node-late"),
            [
                "node-late",
                staleCutoff,
                PresenceRedisKeys.ChannelKeyPrefix(_prefix),
                PresenceRedisKeys.ConnectionsSuffix,
                PresenceRedisKeys.CountsSuffix,
                PresenceRedisKeys.InfoSuffix,
            ]).DefaultTimeout();

        Assert.Empty((RedisResult[])claim!);
        Assert.Equal(1, await late.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Leave_EveryConnection_LeavesOnlyTheNodesLease()
    {
        var redis = await RedisTestServer.SharedAsync().DefaultTimeout();
        var node = await CreateNodeAsync("node-a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        await node.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout();
        await node.JoinAsync(Lobby, Member("u2"), "c1", default).DefaultTimeout();

        await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();
        await node.LeaveAsync(Chat, "u1", "c2", default).DefaultTimeout();
        await node.LeaveAsync(Lobby, "u2", "c1", default).DefaultTimeout();

        var line = Assert.Single(await RedisContents.DumpAsync(redis, _prefix));
        Assert.StartsWith($"{_prefix}:p:leases node-a ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_ScoresTheLeaseWithTheTimeProvidersClock()
    {
        var redis = await RedisTestServer.SharedAsync().DefaultTimeout();
        var node = await CreateNodeAsync("node-a");

        await node.HeartbeatAsync(default).DefaultTimeout();

        var score = await redis.GetDatabase().SortedSetScoreAsync(PresenceRedisKeys.Leases(_prefix), "node-a");
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), (long?)score);
    }
}
