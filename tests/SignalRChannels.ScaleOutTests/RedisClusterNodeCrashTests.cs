using System.Collections.Concurrent;
using StackExchange.Redis;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// A node killed (SIGKILL) on a three-master Redis Cluster: the survivor sweeps it (claim in the leases, one script per
/// channel, channels spread over the masters), each member of the dead node leaves once with reason <c>timeout</c>, and
/// nothing of the dead node is left in any master.
/// </summary>
public sealed class RedisClusterNodeCrashTests : IAsyncLifetime
{
    private const int HeartbeatMs = 200;
    private const int TimeoutMs = 1_000;

    private RedisCluster _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task KilledNodesMembers_LeaveOnceWithReasonTimeout_InRoomsOnEveryMaster_AndTheNodeLeavesNoKeys()
    {
        await using var connection = await _redis.ConnectAsync();
        var database = connection.GetDatabase();
        var prefix = TestRedis.NewPrefix("cluster-crash");
        var options = new ServerNodeOptions { Redis = _redis.Configuration, Prefix = prefix, PresenceHeartbeatMs = HeartbeatMs, PresenceTimeoutMs = TimeoutMs };
        await using var doomed = await ServerNode.StartAsync("a", options);
        await using var survivor = await ServerNode.StartAsync("b", options);

        // Three rooms whose presence keys sit on three different masters.
        var rooms = new List<string>();
        for (var i = 0; rooms.Count < 3; i++)
        {
            var room = $"room.{i}";
            var master = database.IdentifyEndpoint($"{{presence-{room}}}")?.ToString();
            if (rooms.All(r => database.IdentifyEndpoint($"{{presence-{r}}}")?.ToString() != master))
            {
                rooms.Add(room);
            }
        }

        await using var watcher = TestClients.Create(survivor.HubUrl, user: "watcher");
        var left = new ConcurrentQueue<(string Room, string Id, string Reason)>();
        foreach (var room in rooms)
        {
            watcher.Presence(room).MemberLeft += (_, e) => left.Enqueue((room, e.Member.Id, e.Reason));
        }

        await watcher.StartAsync().DefaultTimeout();
        await Task.WhenAll(rooms.Select(r => watcher.Presence(r).WhenSubscribedAsync())).DefaultTimeout();
        var members = new List<ChannelsClient>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var member = TestClients.Create(doomed.HubUrl, user: "m" + i);
                members.Add(member);
                await member.StartAsync().DefaultTimeout();
                await member.Presence(rooms[i % 3]).WhenSubscribedAsync().DefaultTimeout();
            }

            await Poll.UntilAsync(() => rooms.All(r => watcher.Presence(r).Members.Count == 3), "the watcher lists every member");

            doomed.Kill();
            await Poll.UntilAsync(() => left.Count >= 6, "every member of the killed node left");
        }
        finally
        {
            await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
        }

        Assert.Equal(
            Enumerable.Range(0, 6).Select(i => $"{rooms[i % 3]}/m{i}/timeout").Order(),
            left.Select(l => $"{l.Room}/{l.Id}/{l.Reason}").Order());
        Assert.All(rooms, r => Assert.Equal(["watcher"], watcher.Presence(r).Members.Select(m => m.Id)));

        // Only the survivor's lease and node keys stay, on whichever master; the rooms list the watcher alone.
        var keys = new List<string>();
        foreach (var server in connection.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + ":*"))
            {
                keys.Add((string)key!);
            }
        }

        var survivorId = (string)Assert.Single(await database.SortedSetRangeByRankAsync($"{prefix}:p:leases"))!;
        var nodeKeys = keys.Where(k => k.StartsWith($"{prefix}:p:n:", StringComparison.Ordinal) || k.StartsWith($"{prefix}:q:n:", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(nodeKeys);
        Assert.All(nodeKeys, k => Assert.Contains(survivorId, k, StringComparison.Ordinal));
        foreach (var room in rooms)
        {
            var conns = await database.HashValuesAsync($"{prefix}:p:c:{{presence-{room}}}:conns");
            Assert.Equal(["watcher"], conns.Select(c => (string)c!));
        }
    }
}
