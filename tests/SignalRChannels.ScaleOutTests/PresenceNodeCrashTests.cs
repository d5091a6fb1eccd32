using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// Presence when a node process dies, with the default <see cref="PresenceOptions"/>: how long its members stay listed,
/// and what the node leases cost Redis. Nodes are tests/SignalRChannels.TestServer processes.
/// </summary>
public sealed class PresenceNodeCrashTests(ITestOutputHelper output)
{
    private const int MembersOnTheDoomedNode = 20;

    [Fact]
    public async Task KilledNodesMembers_LeaveWithReasonTimeout_Within15Seconds_WithTheDefaults()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        var prefix = TestRedis.NewPrefix("scaleout-crash");
        await using var doomed = await ServerNode.StartAsync("a", new ServerNodeOptions { Redis = redis, Prefix = prefix });
        await using var survivor = await ServerNode.StartAsync("b", new ServerNodeOptions { Redis = redis, Prefix = prefix });
        var room = "room." + Guid.NewGuid().ToString("N");
        await using var watcher = TestClients.Create(survivor.HubUrl, user: "watcher");
        var watched = watcher.Presence(room);
        var left = new ConcurrentQueue<(string Id, string Reason, TimeSpan At)>();
        var allLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = Stopwatch.StartNew();
        watched.MemberLeft += (_, e) =>
        {
            left.Enqueue((e.Member.Id, e.Reason, killed.Elapsed));
            if (left.Count == MembersOnTheDoomedNode)
            {
                allLeft.TrySetResult();
            }
        };
        await watcher.StartAsync().DefaultTimeout();
        var members = new List<ChannelsClient>();
        try
        {
            for (var i = 0; i < MembersOnTheDoomedNode; i++)
            {
                var member = TestClients.Create(doomed.HubUrl, user: "m" + i);
                members.Add(member);
                await member.StartAsync().DefaultTimeout();
                await member.Presence(room).WhenSubscribedAsync().DefaultTimeout();
            }

            await Poll.UntilAsync(() => watched.Members.Count == MembersOnTheDoomedNode + 1, "the watcher lists every member");

            killed.Restart();
            doomed.Kill();
            await allLeft.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
        }

        var last = left.Max(l => l.At);
        output.WriteLine($"{MembersOnTheDoomedNode} members of a SIGKILLed node left after {left.Min(l => l.At).TotalSeconds:F1}–{last.TotalSeconds:F1} s " +
            "(defaults: MemberTimeout 10 s, HeartbeatInterval 3 s)");
        Assert.All(left, l => Assert.Equal("timeout", l.Reason));
        Assert.Equal(MembersOnTheDoomedNode, left.Select(l => l.Id).Distinct().Count());
        Assert.InRange(last, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(["watcher"], watched.Members.Select(m => m.Id));
    }

    [Fact]
    public async Task RedisCommandsPerHeartbeatInterval_DoNotGrowWithTheNumberOfPresenceConnections()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = raw.GetServer(raw.GetEndPoints()[0]);
        const int heartbeatMs = 200;
        await using var node = await ServerNode.StartAsync("a", new ServerNodeOptions
        {
            Redis = redis.Configuration,
            Prefix = TestRedis.NewPrefix("scaleout-lease"),
            PresenceHeartbeatMs = heartbeatMs,
            PresenceTimeoutMs = 5 * heartbeatMs,
        });
        var clients = new List<ChannelsClient>();
        try
        {
            var few = await CommandsPerIntervalAsync(server, node, clients, connections: 5, heartbeatMs);
            var many = await CommandsPerIntervalAsync(server, node, clients, connections: 200, heartbeatMs);

            output.WriteLine($"Redis commands per heartbeat interval while idle: {few:F1} with 5 presence connections, {many:F1} with 200");
            Assert.InRange(many, 0, Math.Max(few * 1.5, few + 3));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Brings the node to <paramref name="connections"/> presence connections, then counts the commands Redis runs over 20 intervals.</summary>
    private static async Task<double> CommandsPerIntervalAsync(IServer server, ServerNode node, List<ChannelsClient> clients, int connections, int heartbeatMs)
    {
        while (clients.Count < connections)
        {
            var client = TestClients.Create(node.HubUrl, user: "u" + clients.Count);
            clients.Add(client);
            await client.StartAsync().DefaultTimeout();
            await client.Presence("room.lease").WhenSubscribedAsync().DefaultTimeout();
        }

        const int intervals = 20;
        var before = await TotalCommandsAsync(server);
        var window = Stopwatch.StartNew();

        // A measurement window, not a wait for a condition: the count is read at its end.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(heartbeatMs * intervals));
        await timer.WaitForNextTickAsync();
        var after = await TotalCommandsAsync(server);
        return (after - before - 1) / (window.Elapsed.TotalMilliseconds / heartbeatMs);
    }

    private static async Task<long> TotalCommandsAsync(IServer server)
    {
        var stats = await server.InfoAsync("stats");
        return long.Parse(stats.SelectMany(g => g).First(p => p.Key == "total_commands_processed").Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
