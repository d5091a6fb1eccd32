using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SignalRChannels.Redis.Presence;
using SignalRChannels.Subscriptions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// A seeded random run of presence traffic on two nodes — connects, subscribes, unsubscribes, disconnects,
/// revocations — with the test's own redis-server (AOF) SIGKILLed and restarted mid-way. At the end every node lists
/// exactly the members connected, and Redis holds no entry of a gone connection. Seconds by default; set
/// <c>CHANNELS_CHAOS_STEPS</c> for a longer run and <c>CHANNELS_CHAOS_SEED</c> to replay one.
/// </summary>
public sealed class PresenceChaosTests(ITestOutputHelper output)
{
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    private static readonly string[] Rooms = ["presence-room.0", "presence-room.1", "presence-room.2"];
    private const int Users = 6;
    private const int MaxConnections = 24;

    [Fact]
    public async Task RandomTrafficWithARedisRestart_EndsWithMembersEqualToTheConnected_OnEveryNode_AndNoGhostInRedis()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CHANNELS_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var steps = int.TryParse(Environment.GetEnvironmentVariable("CHANNELS_CHAOS_STEPS"), CultureInfo.InvariantCulture, out var n) ? n : 300;
        output.WriteLine($"seed {seed}, {steps} steps (replay: CHANNELS_CHAOS_SEED={seed} CHANNELS_CHAOS_STEPS={steps})");
        var random = new Random(seed);
        await using var redis = await RedisProcess.StartAsync(persistent: true);
        var prefix = RedisFixture.NewPrefix();
        ChannelsTestServer[] nodes = [await StartNodeAsync(redis, prefix), await StartNodeAsync(redis, prefix)];
        var live = new List<Client>();
        var redisDown = false;
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var step = 0; step < steps; step++)
            {
                // A short outage in the middle (each store call in it waits for the command timeout).
                if (step == steps * 45 / 100)
                {
                    await redis.KillAsync();
                    redisDown = true;
                }
                else if (step == steps * 47 / 100)
                {
                    await redis.RestartAsync();
                    redisDown = false;
                }

                await RandomStepAsync(random, nodes, live, redisDown);
                if (step % 50 == 0 || step == steps * 45 / 100 || step == steps * 47 / 100)
                {
                    output.WriteLine($"step {step}: {elapsed.Elapsed.TotalSeconds:F1} s, {live.Count} connections");
                }
            }

            await AssertConvergedAsync(nodes, live, redis, prefix, seed);
            output.WriteLine($"converged at {elapsed.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            await Task.WhenAll(live.Select(c => c.Connection.DisposeAsync().AsTask()));
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task RandomStepAsync(Random random, ChannelsTestServer[] nodes, List<Client> live, bool redisDown)
    {
        var roll = random.Next(100);
        if (live.Count == 0 || (roll < 25 && live.Count < MaxConnections))
        {
            var node = random.Next(nodes.Length);
            if (await Client.TryConnectAsync(nodes[node], node, "u" + random.Next(Users), redisDown) is { } connected)
            {
                live.Add(connected);
            }

            return;
        }

        var client = live[random.Next(live.Count)];
        var room = Rooms[random.Next(Rooms.Length)];
        if (roll < 60)
        {
            try
            {
                await client.Connection.InvokeAsync<System.Text.Json.JsonElement>("Subscribe", room, null).DefaultTimeout();
                client.Rooms.Add(room);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException ex) when (IsUnavailable(ex))
            {
                // Redis down (or a command timed out on this busy machine): a new subscription undid itself; a refresh
                // of one it had leaves that one as it was.
            }
        }
        else if (roll < 75)
        {
            // May answer unavailable while Redis is down, yet the subscription is gone and its leave is kept for later.
            await IgnoreUnavailableAsync(client.Connection.InvokeAsync("Unsubscribe", room));
            client.Rooms.Remove(room);
        }
        else if (roll < 90)
        {
            live.Remove(client);
            await client.Connection.DisposeAsync();
        }
        else if (!redisDown)
        {
            // Revoke one user's presence everywhere from a random node, then wait until both nodes applied it.
            // Waits until both nodes read the command: a connection without subscriptions shows nothing, and a subscribe
            // sent before its node read the command would be revoked by it (the command applies when a node reads it).
            var node = nodes[random.Next(nodes.Length)];
            var read = nodes.Select(CommandsRead).ToArray();
            await node.Services.GetRequiredService<IChannelSubscriptionManager>().RemoveUserAsync(client.User, "presence-room.*").DefaultTimeout();
            var revoked = live.Where(c => c.User == client.User).ToArray();
            await Poll.UntilAsync(
                () => nodes.Select((n, i) => CommandsRead(n) > read[i]).All(r => r)
                    && revoked.All(c => nodes[c.Node].Services.GetRequiredService<ConnectionRegistry>().SubscriptionsOf(c.Id).Count == 0),
                "the revocation is applied on both nodes");
            foreach (var c in revoked)
            {
                c.Rooms.Clear();
            }
        }
    }

    private static long CommandsRead(ChannelsTestServer node) =>
        ((SignalRChannels.Redis.Internal.RedisChannelCommandBus)node.Services.GetRequiredService<IChannelCommandBus>()).CommandsRead;

    private static async Task IgnoreUnavailableAsync(Task call)
    {
        try
        {
            await call.DefaultTimeout();
        }
        catch (Microsoft.AspNetCore.SignalR.HubException ex) when (IsUnavailable(ex))
        {
        }
    }

    private static bool IsUnavailable(Exception ex) => ex.Message.Contains("unavailable: ", StringComparison.Ordinal);

    private static async Task AssertConvergedAsync(ChannelsTestServer[] nodes, List<Client> live, RedisProcess redis, string prefix, int seed)
    {
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = raw.GetDatabase();
        string? mismatch = null;
        async Task<bool> ConvergedAsync()
        {
            foreach (var room in Rooms)
            {
                var channel = ChannelName.Parse(room);
                var users = live.Where(c => c.Rooms.Contains(room)).Select(c => c.User).Distinct().Order(StringComparer.Ordinal).ToArray();
                var connections = live.Where(c => c.Rooms.Contains(room)).Select(c => c.Id).Order(StringComparer.Ordinal).ToArray();
                foreach (var node in nodes)
                {
                    var members = await node.Services.GetRequiredService<IPresenceStore>().GetMembersAsync(channel, default);
                    if (!members.Select(m => m.Id).Order(StringComparer.Ordinal).SequenceEqual(users))
                    {
                        mismatch = $"{room}: a node lists [{string.Join(", ", members.Select(m => m.Id))}], connected [{string.Join(", ", users)}]";
                        return false;
                    }
                }

                var entries = (await database.HashKeysAsync(PresenceRedisKeys.Connections(prefix, channel))).Select(e => (string)e!).Order(StringComparer.Ordinal);
                if (!entries.SequenceEqual(connections))
                {
                    mismatch = $"{room}: Redis holds connections [{string.Join(", ", entries)}], subscribed [{string.Join(", ", connections)}]";
                    return false;
                }
            }

            // Each node's own index of its connections holds only live subscriptions.
            var expected = live.SelectMany(c => c.Rooms.Select(r => PresenceRedisKeys.NodeEntry(ChannelName.Parse(r), c.Id))).ToHashSet(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                var nodeId = node.Services.GetRequiredService<IOptions<PresenceOptions>>().Value.NodeId;
                var indexed = (await database.SetMembersAsync(PresenceRedisKeys.Node(prefix, nodeId))).Select(e => (string)e!).ToArray();
                if (indexed.FirstOrDefault(e => !expected.Contains(e)) is { } ghost)
                {
                    mismatch = $"node {nodeId} still indexes a gone subscription: {ghost.Replace('\n', ' ')}";
                    return false;
                }
            }

            return true;
        }

        var back = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Poll.UntilAsync(ConvergedAsync, "members listed = members connected, everywhere");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"seed {seed}: {mismatch}", ex);
        }

        Assert.InRange(back.Elapsed, TimeSpan.Zero, MemberTimeout + HeartbeatInterval);
    }

    private static Task<ChannelsTestServer> StartNodeAsync(RedisProcess redis, string prefix) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        // Short async command timeouts keep the calls made during the outage short (SignalR unsubscribes synchronously at shutdown).
        RedisConfiguration = $"127.0.0.1:{redis.Port},connectTimeout=500,syncTimeout=2000,asyncTimeout=500",
        RedisPrefix = prefix,
        ConfigureBuilder = builder =>
        {
            TestAuthenticationHandler.AddTo(builder);
            builder.Services.Configure<PresenceOptions>(o =>
            {
                o.MemberTimeout = MemberTimeout;
                o.HeartbeatInterval = HeartbeatInterval;
            });
        },
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels => channels.Presence("room.{id}", (ClaimsPrincipal user) => new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!)),
    });

    private sealed class Client(HubConnection connection, int node, string user)
    {
        public HubConnection Connection { get; } = connection;

        public int Node { get; } = node;

        public string User { get; } = user;

        public string Id { get; private set; } = string.Empty;

        public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

        /// <summary>Connects; while Redis is down SignalR's backplane may refuse the connection, which then does not count.</summary>
        public static async Task<Client?> TryConnectAsync(ChannelsTestServer server, int node, string user, bool redisDown)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(server.HubUrl, HttpTransportType.WebSockets, o =>
                {
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(new TestUser(user, user).Token);
                })
                .Build();
            try
            {
                await connection.StartAsync().DefaultTimeout();
                return new Client(connection, node, user) { Id = await connection.InvokeAsync<string>("GetSocketId").DefaultTimeout() };
            }
            catch (Exception) when (redisDown)
            {
                await connection.DisposeAsync();
                return null;
            }
        }
    }
}
