using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Query;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Redis.Presence;
using SignalRChannels.Redis.Query;
using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Query;

/// <summary>
/// One node of the query API as the engine wires it, on the real Redis: its exact occupancy, the Redis writer behind
/// it, its presence store (lease and sweep) and its query. Connections and subscriptions are driven directly.
/// </summary>
internal sealed class QueryNode : IAsyncDisposable
{
    private readonly RedisOccupancyWriter _writer;
    private readonly FakeTimeProvider _time;

    public QueryNode(IConnectionMultiplexer redis, string prefix, string nodeId, FakeTimeProvider time, IOccupancyTransitions? transitions = null)
    {
        _time = time;
        var connection = new RedisConnection(redis);
        var presenceOptions = new PresenceOptions { NodeId = nodeId, MemberTimeout = MemberTimeout, HeartbeatInterval = TimeSpan.FromSeconds(5) };
        var redisOptions = Options.Create(new ChannelsRedisOptions { Configuration = "unused", Prefix = prefix });
        Presence = new RedisPresenceStore(connection, presenceOptions, prefix, time) { OccupancyVacated = transitions is null ? null : transitions.Vacated };
        _writer = new RedisOccupancyWriter(connection, redisOptions, Options.Create(presenceOptions), time, NullLogger<RedisOccupancyWriter>.Instance, transitions);
        Occupancy = new NodeOccupancy([_writer]);
        var registry = new SignalRChannels.Subscriptions.ConnectionRegistry(Options.Create(new ChannelsOptions()));
        Query = new RedisChannelsQuery(connection, redisOptions, Options.Create(presenceOptions), time, Presence, registry);
        NodeId = nodeId;
    }

    public static TimeSpan MemberTimeout { get; } = TimeSpan.FromSeconds(30);

    public string NodeId { get; }

    public NodeOccupancy Occupancy { get; }

    public RedisPresenceStore Presence { get; }

    public IChannelsQuery Query { get; }

    public ChannelsConnectionInfo Connection(string connectionId, string? userId) => new()
    {
        ConnectionId = connectionId,
        UserId = userId,
        NodeId = NodeId,
        ConnectedAt = _time.GetUtcNow(),
        Transport = "websockets",
        Protocol = "json",
    };

    public async Task<ChannelsConnectionInfo> ConnectAsync(string connectionId, string? userId, params string[] channels)
    {
        var connection = Connection(connectionId, userId);
        await Occupancy.ConnectedAsync(connection).DefaultTimeout();
        foreach (var channel in channels)
        {
            await Occupancy.SubscribedAsync(ChannelName.Parse(channel)).DefaultTimeout();
        }

        return connection;
    }

    /// <summary>What the presence heartbeat service does every interval.</summary>
    public async Task HeartbeatAsync()
    {
        await Presence.HeartbeatAsync(default).DefaultTimeout();
        await Presence.SweepAsync(default).DefaultTimeout();
        await Occupancy.CheckAsync().DefaultTimeout();
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
