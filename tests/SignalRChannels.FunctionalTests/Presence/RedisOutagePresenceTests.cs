using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Redis.Presence;
using StackExchange.Redis;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// Leaves during a Redis outage (#13 case 1): unsubscribes and disconnects while the test's own redis-server is killed
/// are applied when it is back; then members listed = members connected on every node, and Redis holds no entry of a
/// gone connection.
/// </summary>
public sealed class RedisOutagePresenceTests
{
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    private static readonly ChannelName Room = ChannelName.Parse("presence-room.outage");

    [Fact]
    public async Task LeavesDuringAnOutage_AreAppliedWhenRedisReturns_OnEveryNode()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: true);
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(redis, prefix);
        await using var nodeB = await StartNodeAsync(redis, prefix);
        var watcher = await ConnectAsync(nodeB);
        var stays = await ConnectAsync(nodeA);
        var unsubscribes = await ConnectAsync(nodeA);
        var disconnects = await ConnectAsync(nodeA);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        Assert.Equal(4, (await MembersAsync(watcher)).Count);

        await redis.KillAsync();
        await unsubscribes.InvokeAsync("Unsubscribe", Room.Value).DefaultTimeout();
        await disconnects.DisposeAsync();
        await redis.RestartAsync();
        var back = System.Diagnostics.Stopwatch.StartNew();

        string[] live = [await SocketIdAsync(watcher), await SocketIdAsync(stays)];
        IReadOnlyList<string>? listed = null;
        try
        {
            await Poll.UntilAsync(
                async () => (listed = await TryMembersAsync(watcher)) is { } members && members.Order().SequenceEqual(live.Order()),
                "node B lists exactly the connected members");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Listed: [{string.Join(", ", listed ?? ["(GetMembers failed)"])}]; connected: [{string.Join(", ", live)}]; watcher {watcher.State}.", ex);
        }

        Assert.InRange(back.Elapsed, TimeSpan.Zero, MemberTimeout + HeartbeatInterval);
        Assert.Equal(live.Order(), (await MembersAsync(stays)).Order());
        var entries = await raw.GetDatabase().HashKeysAsync(PresenceRedisKeys.Connections(prefix, Room));
        Assert.Equal(live.Order(), entries.Select(e => (string)e!).Order());

        await watcher.DisposeAsync();
        await stays.DisposeAsync();
        await unsubscribes.DisposeAsync();
    }

    [Fact]
    public async Task RedisRestartThatLosesItsData_JoinsTheLiveMembersAgain_OnEveryNode_WithoutAnyLeave()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(redis, prefix);
        await using var nodeB = await StartNodeAsync(redis, prefix);
        var watcher = await ConnectAsync(nodeB);
        var left = 0;
        watcher.On<JsonElement>(ChannelHubMethods.ChannelEvent, e =>
        {
            if (e.GetProperty("event").GetString() == EventNames.MemberLeft)
            {
                Interlocked.Increment(ref left);
            }
        });
        var first = await ConnectAsync(nodeA);
        var second = await ConnectAsync(nodeA);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        string[] live = [await SocketIdAsync(watcher), await SocketIdAsync(first), await SocketIdAsync(second)];
        Assert.Equal(live.Order(), (await MembersAsync(watcher)).Order());
        var marker = (RedisKey)(prefix + "marker");
        await raw.GetDatabase().StringSetAsync(marker, "before the restart");

        await redis.KillAsync();
        await redis.RestartAsync();
        var back = System.Diagnostics.Stopwatch.StartNew();

        await Poll.UntilAsync(
            async () => await TryRedisAsync(async () =>
                !await raw.GetDatabase().KeyExistsAsync(marker)
                && (await raw.GetDatabase().HashKeysAsync(PresenceRedisKeys.Connections(prefix, Room))).Select(e => (string)e!).Order().SequenceEqual(live.Order())),
            "Redis lost its data and holds every connected member's entry again");
        Assert.InRange(back.Elapsed, TimeSpan.Zero, MemberTimeout + HeartbeatInterval);
        Assert.Equal(live.Order(), (await MembersAsync(watcher)).Order());
        Assert.Equal(live.Order(), (await MembersAsync(first)).Order());
        Assert.Equal(0, Volatile.Read(ref left));

        await watcher.DisposeAsync();
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task HistoryPublish_WhileRedisIsDown_IsRefusedWithUnavailable_NeverADriverException()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        await using var node = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = redis.Configuration,
            Channels = channels => channels.History("log.*", size: 10, ttl: TimeSpan.FromMinutes(1)),
        });
        await node.Broadcaster.PublishAsync("log.1", "line", new { n = 1 }).DefaultTimeout();

        await redis.KillAsync();
        var refused = await Assert.ThrowsAsync<ChannelException>(() => node.Broadcaster.PublishAsync("log.1", "line", new { n = 2 }).DefaultTimeout());

        Assert.Equal(ChannelErrorCodes.Unavailable, refused.Code);
        Assert.DoesNotContain("Redis", refused.Message, StringComparison.Ordinal);
    }

    private static Task<ChannelsTestServer> StartNodeAsync(RedisProcess redis, string prefix) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        RedisConfiguration = redis.Configuration,
        RedisPrefix = prefix,
        ConfigureBuilder = builder => builder.Services.Configure<PresenceOptions>(o =>
        {
            o.MemberTimeout = MemberTimeout;
            o.HeartbeatInterval = HeartbeatInterval;
        }),
        Channels = channels => channels.Presence("room.{id}", (ChannelAuthorizationContext context) => new PresenceMember(context.ConnectionId)),
    });

    private static async Task<HubConnection> ConnectAsync(ChannelsTestServer node)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(node.HubUrl, HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();
        await connection.StartAsync().DefaultTimeout();
        await connection.InvokeAsync<JsonElement>("Subscribe", Room.Value, null).DefaultTimeout();
        return connection;
    }

    private static async Task<bool> TryRedisAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (RedisConnectionException)
        {
            return false;
        }
    }

    private static Task<string> SocketIdAsync(HubConnection connection) => connection.InvokeAsync<string>("GetSocketId").DefaultTimeout();

    private static async Task<IReadOnlyList<string>> MembersAsync(HubConnection connection)
    {
        var members = await connection.InvokeAsync<JsonElement>("GetMembers", Room.Value).DefaultTimeout();
        return members.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
    }

    private static async Task<IReadOnlyList<string>?> TryMembersAsync(HubConnection connection)
    {
        try
        {
            return await MembersAsync(connection);
        }
        catch (HubException)
        {
            return null;
        }
    }
}
