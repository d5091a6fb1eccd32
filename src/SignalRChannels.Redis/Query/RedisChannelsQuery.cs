using Microsoft.Extensions.Options;
using SignalRChannels.Query;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Redis.Presence;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// The cluster-wide query: reads the live nodes from the presence leases, then each live node's entries (written by
/// its <see cref="RedisOccupancyWriter"/>), all requests of one answer pipelined. A node whose lease is older than
/// <see cref="PresenceOptions.MemberTimeout"/> no longer counts, even before a sweep has deleted its entries.
/// </summary>
internal sealed class RedisChannelsQuery(
    RedisConnection redis,
    IOptions<ChannelsRedisOptions> redisOptions,
    IOptions<PresenceOptions> presenceOptions,
    TimeProvider timeProvider,
    IPresenceStore presence,
    SignalRChannels.Subscriptions.ConnectionRegistry connections) : ChannelsQueryBase(presence, connections)
{
    private readonly string _prefix = redisOptions.Value.Prefix;

    public override async ValueTask<IReadOnlyList<ChannelOccupancy>> GetOccupiedChannelsAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var (database, nodes) = await LiveNodesAsync(cancellationToken).ConfigureAwait(false);
        var entries = await Task.WhenAll(nodes.Select(n => database.HashGetAllAsync(OccupancyRedisKeys.Channels(_prefix, n.NodeId)))).ConfigureAwait(false);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in entries.SelectMany(e => e))
        {
            var channel = (string)entry.Name!;
            if (string.IsNullOrEmpty(prefix) || channel.StartsWith(prefix, StringComparison.Ordinal))
            {
                totals[channel] = totals.GetValueOrDefault(channel) + (long)entry.Value;
            }
        }

        return Ordered(totals.Where(t => t.Value > 0).Select(t => new ChannelOccupancy { Channel = t.Key, SubscriptionCount = t.Value }));
    }

    public override async ValueTask<IReadOnlyList<ChannelsConnectionInfo>> GetUserConnectionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var (database, nodes) = await LiveNodesAsync(cancellationToken).ConfigureAwait(false);
        var entries = await Task.WhenAll(nodes.Select(n => database.HashGetAsync(OccupancyRedisKeys.Users(_prefix, n.NodeId), userId))).ConfigureAwait(false);
        return entries
            .Where(e => !e.IsNull)
            .SelectMany(e => ConnectionInfoCodec.DecodeUser((string)e!))
            .OrderBy(c => c.ConnectedAt)
            .ThenBy(c => c.ConnectionId, StringComparer.Ordinal)
            .ToArray();
    }

    public override async ValueTask<IReadOnlyList<ChannelsNodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var (database, nodes) = await LiveNodesAsync(cancellationToken).ConfigureAwait(false);
        if (nodes.Length == 0)
        {
            return [];
        }

        // One key per node (each in its node's slot on Redis Cluster), read in one pipelined round trip.
        var counts = await Task.WhenAll(nodes.Select(n => database.StringGetAsync(OccupancyRedisKeys.Connections(_prefix, n.NodeId)))).ConfigureAwait(false);
        return nodes
            .Select((n, i) => new ChannelsNodeInfo
            {
                NodeId = n.NodeId,
                Connections = counts[i].IsNull ? 0 : Math.Max(0, (long)counts[i]),
                LeaseRenewedAt = DateTimeOffset.FromUnixTimeMilliseconds(n.LeaseMilliseconds),
            })
            .OrderBy(n => n.NodeId, StringComparer.Ordinal)
            .ToArray();
    }

    protected override async ValueTask<long> GetSubscriptionCountAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        var (database, nodes) = await LiveNodesAsync(cancellationToken).ConfigureAwait(false);
        var counts = await Task.WhenAll(nodes.Select(n => database.HashGetAsync(OccupancyRedisKeys.Channels(_prefix, n.NodeId), channel.Value))).ConfigureAwait(false);
        return Math.Max(0, counts.Sum(c => c.IsNull ? 0 : (long)c));
    }

    private async Task<(IDatabase Database, (string NodeId, long LeaseMilliseconds)[] Nodes)> LiveNodesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await redis.GetDatabaseAsync().ConfigureAwait(false);
        var cutoff = (timeProvider.GetUtcNow() - presenceOptions.Value.MemberTimeout).ToUnixTimeMilliseconds();
        var leases = await database.SortedSetRangeByScoreWithScoresAsync(PresenceRedisKeys.Leases(_prefix), cutoff, double.PositiveInfinity)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (database, leases.Select(l => ((string)l.Element!, (long)l.Score)).ToArray());
    }
}
