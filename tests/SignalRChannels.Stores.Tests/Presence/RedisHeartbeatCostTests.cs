using SignalRChannels.Redis.Presence;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Presence;

/// <summary>
/// The Redis cost of one heartbeat interval (a heartbeat and a sweep that finds no dead node) must not grow with
/// the node's connections. Counted exactly with a StackExchange.Redis profiling session on a multiplexer of the
/// test's own, scoped to the test's async flow, so other tests' traffic cannot leak in.
/// </summary>
public sealed class RedisHeartbeatCostTests(ITestOutputHelper output)
{
    private readonly AsyncLocal<ProfilingSession?> _session = new();

    [Fact]
    public async Task HeartbeatInterval_CostsTheSameCommands_With10And1000Connections()
    {
        using var redis = await RedisTestServer.ConnectAsync().DefaultTimeout();
        redis.RegisterProfiler(() => _session.Value);
        var prefix = RedisTestServer.NewPrefix();
        var options = new PresenceOptions { NodeId = "node-a" };
        var node = new RedisPresenceStore(redis, options, prefix, TimeProvider.System);
        var channel = ChannelName.Parse("presence-cost");

        await JoinAsync(node, channel, 0, 10);
        await node.HeartbeatAsync(default).DefaultTimeout(); // Redis may not have the script yet: NOSCRIPT, then EVAL
        var (heartbeatSmall, intervalSmall) = await CountAsync(node);
        await JoinAsync(node, channel, 10, 1_000);
        var (heartbeatLarge, intervalLarge) = await CountAsync(node);

        output.WriteLine($"10 connections: heartbeat {string.Join(",", heartbeatSmall)}; heartbeat+sweep {string.Join(",", intervalSmall)}");
        output.WriteLine($"1,000 connections: heartbeat {string.Join(",", heartbeatLarge)}; heartbeat+sweep {string.Join(",", intervalLarge)}");
        Assert.Equal(["EVALSHA"], heartbeatSmall);
        Assert.Equal(heartbeatSmall, heartbeatLarge);
        Assert.Equal(2, intervalSmall.Count);
        Assert.Equal(intervalSmall, intervalLarge);
        Assert.Equal(1_000, await node.GetMemberCountAsync(channel, default).DefaultTimeout());
        await RedisTestServer.DeleteKeysAsync(redis, prefix);
    }

    private static Task JoinAsync(IPresenceStore node, ChannelName channel, int from, int to) =>
        Task.WhenAll(Enumerable.Range(from, to - from).Select(i =>
            node.JoinAsync(channel, new PresenceMember($"u{i}"), $"c{i}", default).AsTask())).DefaultTimeout();

    private async Task<(IReadOnlyList<string> Heartbeat, IReadOnlyList<string> Interval)> CountAsync(IPresenceStore node)
    {
        _session.Value = new ProfilingSession();
        await node.HeartbeatAsync(default).DefaultTimeout();
        var heartbeat = _session.Value.FinishProfiling().Select(c => c.Command).ToList();

        _session.Value = new ProfilingSession();
        await node.HeartbeatAsync(default).DefaultTimeout();
        await node.SweepAsync(default).DefaultTimeout();
        var interval = _session.Value.FinishProfiling().Select(c => c.Command).ToList();
        _session.Value = null;
        return (heartbeat, interval);
    }
}
