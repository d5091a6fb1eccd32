using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>Presence through the hub: the multi-tab rule, hooks raised once cluster-wide, the heartbeat method.</summary>
public sealed class PresenceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Room = "presence-room.main";
    private static readonly TestUser Alice = new("alice", "Alice");
    private static readonly TestUser Bob = new("bob", "Bob");

    private static ChannelsTestServerOptions Options(
        string? redisConfiguration,
        string? prefix,
        LifecycleCounter? counter = null,
        ServerDisconnects? disconnects = null) => new()
    {
        RedisConfiguration = redisConfiguration,
        RedisPrefix = prefix,
        ConfigureBuilder = builder =>
        {
            TestAuthenticationHandler.AddTo(builder);
            disconnects?.AddTo(builder);
            if (counter is not null)
            {
                builder.Services.AddSingleton<IChannelLifecycleHandler>(counter);
            }
        },
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels => channels.Presence("room.{id}", (System.Security.Claims.ClaimsPrincipal user) =>
            user.Identity?.IsAuthenticated == true
                ? new PresenceMember(user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, new { name = user.Identity.Name })
                : null),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneUserWithThreeConnections_RaisesOneJoinedAndOneLeft(bool twoNodesOnRedis)
    {
        var prefix = RedisFixture.NewPrefix();
        var disconnects = new ServerDisconnects();
        await using var nodeA = await ChannelsTestServer.StartAsync(Options(twoNodesOnRedis ? redis.Configuration : null, prefix, disconnects: disconnects));
        await using var nodeB = twoNodesOnRedis ? await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix, disconnects: disconnects)) : null;
        var other = nodeB ?? nodeA;

        var bob = await nodeA.ConnectAsync(accessToken: Bob.Token);
        var bobResult = await bob.SubscribeAsync(Room);
        Assert.Contains("\"id\":\"bob\"", WireData.ToJson(bobResult.Members));

        var tab1 = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var first = await tab1.SubscribeAsync(Room);
        Assert.Contains("\"id\":\"alice\"", WireData.ToJson(first.Members));
        var joined = await bob.AssertNextEventAsync(Room, "member:joined");
        Assert.Equal("""{"id":"alice","info":{"name":"Alice"}}""", joined.DataJson());

        var tab2 = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var tab3 = await other.ConnectAsync(accessToken: Alice.Token);
        var third = await tab2.SubscribeAsync(Room);
        await tab3.SubscribeAsync(Room);
        Assert.Equal(2, CountOf("\"id\":", WireData.ToJson(third.Members)));
        await AssertNextIsMarkerAsync(nodeA, bob);

        var (tab1Id, tab3Id) = (tab1.ConnectionId, tab3.ConnectionId);
        await tab1.DisposeAsync();
        await tab3.DisposeAsync();
        // Only once the servers have run both teardowns is a premature member:left sure to come before the marker.
        await disconnects.ProcessedAsync(tab1Id);
        await disconnects.ProcessedAsync(tab3Id);
        await AssertNextIsMarkerAsync(nodeA, bob);

        await tab2.DisposeAsync();
        var left = await bob.AssertNextEventAsync(Room, "member:left");
        Assert.Equal("""{"id":"alice","info":{"name":"Alice"},"reason":"disconnected"}""", left.DataJson());
        await AssertNextIsMarkerAsync(nodeA, bob);

        var members = await bob.Connection.InvokeAsync<object>("GetMembers", Room).DefaultTimeout();
        Assert.Equal(1, CountOf("\"id\":", WireData.ToJson(members)));
    }

    [Fact]
    public async Task LifecycleHooks_AreRaisedOnceClusterWide()
    {
        var prefix = RedisFixture.NewPrefix();
        var counter = new LifecycleCounter();
        await using var nodeA = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix, counter));
        await using var nodeB = await ChannelsTestServer.StartAsync(Options(redis.Configuration, prefix, counter));

        var aliceOnA = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var aliceOnB = await nodeB.ConnectAsync(accessToken: Alice.Token);
        var bobOnB = await nodeB.ConnectAsync(accessToken: Bob.Token);
        await aliceOnA.SubscribeAsync(Room);
        await aliceOnB.SubscribeAsync(Room);
        await bobOnB.SubscribeAsync(Room);
        await aliceOnA.UnsubscribeAsync(Room);
        await aliceOnB.UnsubscribeAsync(Room);
        await bobOnB.UnsubscribeAsync(Room);

        Assert.Equal(1, counter.Count("occupied"));
        Assert.Equal(1, counter.Count("joined:alice"));
        Assert.Equal(1, counter.Count("joined:bob"));
        Assert.Equal(1, counter.Count("left:alice:left"));
        Assert.Equal(1, counter.Count("left:bob:left"));
        Assert.Equal(1, counter.Count("vacated"));
    }

    [Fact]
    public async Task Heartbeat_ReturnsServerTime_AndRejectsNonsense()
    {
        await using var server = await ChannelsTestServer.StartAsync(Options(null, null));
        var client = await server.ConnectAsync(accessToken: Alice.Token);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var serverTime = await client.Connection.InvokeAsync<long>("Heartbeat", (double?)null).DefaultTimeout();
        Assert.InRange(serverTime, before - 5_000, before + 5_000);
        await client.Connection.InvokeAsync<long>("Heartbeat", 12.5).DefaultTimeout();
        await HubErrors.AssertCodeAsync("invalid_argument", () => client.Connection.InvokeAsync<long>("Heartbeat", -1.0));
    }

    [Fact]
    public async Task GetMembers_OnNonPresenceOrWithoutSubscription_IsCoded()
    {
        await using var server = await ChannelsTestServer.StartAsync(Options(null, null));
        var client = await server.ConnectAsync(accessToken: Alice.Token);
        await HubErrors.AssertCodeAsync("not_subscribed", () => client.Connection.InvokeAsync<object>("GetMembers", Room));
        await HubErrors.AssertCodeAsync("not_presence", () => client.Connection.InvokeAsync<object>("GetMembers", "public.room"));
    }

    private static async Task AssertNextIsMarkerAsync(ChannelsTestServer server, ChannelsTestClient client)
    {
        await server.Broadcaster.PublishAsync(Room, "marker", null);
        await client.AssertNextEventAsync(Room, "marker");
    }

    private static int CountOf(string needle, string text) => (text.Length - text.Replace(needle, string.Empty, StringComparison.Ordinal).Length) / needle.Length;

    private sealed class LifecycleCounter : IChannelLifecycleHandler
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();

        public int Count(string key) => _counts.GetValueOrDefault(key);

        public ValueTask OnMemberJoinedAsync(ChannelName channel, PresenceMember member, CancellationToken cancellationToken) => Add($"joined:{member.Id}");

        public ValueTask OnMemberLeftAsync(ChannelName channel, PresenceMember member, string reason, CancellationToken cancellationToken) => Add($"left:{member.Id}:{reason}");

        public ValueTask OnChannelOccupiedAsync(ChannelName channel, CancellationToken cancellationToken) => Add("occupied");

        public ValueTask OnChannelVacatedAsync(ChannelName channel, CancellationToken cancellationToken) => Add("vacated");

        private ValueTask Add(string key)
        {
            _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        }
    }
}
