using System.Diagnostics;
using SignalRChannels.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// No ghost members: two real server processes on one Redis; one is killed with SIGKILL, and the survivor's
/// clients see each member that lived only on the dead node leave (reason timeout) once, in time, with nothing
/// of them left in Redis.
/// </summary>
public sealed class NodeCrashTests(RedisFixture redis, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private const int HeartbeatMs = 250;
    private const int TimeoutMs = 2000;
    private const string Room = "presence-room.crash";

    [Fact]
    public async Task KillingANode_ExpiresItsMembersOnce_WithinTheTimeout_AndLeavesNoTrace()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var doomed = await ServerProcess.StartAsync(redis.Configuration, prefix, HeartbeatMs, TimeoutMs);
        await using var survivor = await ServerProcess.StartAsync(redis.Configuration, prefix, HeartbeatMs, TimeoutMs);

        var watcher = await ConnectAsync(survivor, "watcher");
        await watcher.SubscribeAsync(Room);
        // Ids no random connection or node id in Redis can contain by chance (a base64 id once held "a1").
        var onDoomedOnly = new[] { "only-on-the-killed-node-1", "only-on-the-killed-node-2" };
        var clients = new List<ChannelsTestClient>();
        foreach (var user in onDoomedOnly.Append("both"))
        {
            var client = await ConnectAsync(doomed, user);
            await client.SubscribeAsync(Room);
            clients.Add(client);
        }

        var bothOnSurvivor = await ConnectAsync(survivor, "both");
        await bothOnSurvivor.SubscribeAsync(Room);
        for (var i = 0; i < 3; i++)
        {
            await watcher.AssertNextEventAsync(Room, "member:joined");
        }

        var killedAt = Stopwatch.StartNew();
        doomed.Kill();

        var left = new List<string>();
        for (var i = 0; i < onDoomedOnly.Length; i++)
        {
            var e = await watcher.AssertNextEventAsync(Room, "member:left");
            left.Add(e.DataJson());
        }

        var elapsed = killedAt.Elapsed;
        output.WriteLine($"member:left (timeout) for every member of the killed node after {elapsed.TotalMilliseconds:0} ms (timeout {TimeoutMs} ms, heartbeat {HeartbeatMs} ms)");
        Assert.Equal(
            onDoomedOnly.Select(id => $$"""{"id":"{{id}}","info":{"name":"{{id}}"},"reason":"timeout"}""").Order(),
            left.Order());

        // Within MemberTimeout + one heartbeat interval, plus delivery slack for a loaded 2-core machine.
        Assert.True(elapsed < TimeSpan.FromMilliseconds(TimeoutMs + HeartbeatMs + 1000), $"members left after {elapsed.TotalMilliseconds:0} ms");

        // Exactly once: the next event is a marker, and "both" (alive through the survivor) did not leave.
        await survivor.PublishAsync(Room, "marker");
        await watcher.AssertNextEventAsync(Room, "marker");

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = server.Keys(pattern: $"{prefix}:p:*").Select(k => (string)k!).ToArray();
        Assert.Single(keys, k => k.StartsWith($"{prefix}:p:n:", StringComparison.Ordinal));
        Assert.Equal(1, await db.SortedSetLengthAsync($"{prefix}:p:leases"));
        foreach (var key in keys.Where(k => !k.EndsWith(":leases", StringComparison.Ordinal)))
        {
            var type = await db.KeyTypeAsync(key);
            var content = type switch
            {
                RedisType.Hash => string.Join(' ', (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
                RedisType.Set => string.Join(' ', (await db.SetMembersAsync(key)).Select(v => (string)v!)),
                _ => string.Empty,
            };
            Assert.All(onDoomedOnly, id => Assert.DoesNotContain(id, content, StringComparison.Ordinal));
        }
    }

    private static async Task<ChannelsTestClient> ConnectAsync(ServerProcess server, string user) =>
        await ChannelsTestClient.ConnectAsync(new Uri(server.BaseAddress, "/hubs/test"), HttpTransportType.WebSockets, WireProtocol.Json, accessToken: $"{user};{user}");
}
