using SignalRChannels.Redis.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Presence;

/// <summary>
/// Cluster-wide presence on Redis (layout in <see cref="PresenceRedisKeys"/>, atomic steps in
/// <see cref="PresenceRedisScripts"/>). Leases are scored with <see cref="TimeProvider"/> time, so node clocks must
/// agree to well within <c>MemberTimeout - HeartbeatInterval</c>.
/// </summary>
/// <remarks>
/// Works on Redis Cluster: each script touches one channel's keys (one hash slot) or the leases only. What a single
/// script cannot do across slots is ordered instead: a join records the connection in its node's set before it enters
/// the channel, a leave takes it out of the set after it left the channel, and a sweep claims the dead node in the
/// leases, sweeps its connections one channel at a time (each channel's removal atomic, so a member leaves once
/// whoever sweeps), and only then drops the node's set and lease.
/// </remarks>
internal sealed class RedisPresenceStore : IPresenceStore
{
    // Connections of a dead node swept per round trip; bounds the arguments of one script call.
    private const int SweepPageSize = 1000;

    private static readonly PresenceJoinResult s_notJoined = new(false, false);
    private static readonly PresenceLeaveResult s_notLeft = new(null, false);

    private readonly RedisConnection _redis;
    private readonly PresenceOptions _options;
    private readonly string _prefix;
    private readonly TimeProvider _timeProvider;
    private readonly RedisKey _leases;
    private readonly RedisKey _node;
    private double? _lastRenewal;

    /// <param name="redis">The shared multiplexer.</param>
    /// <param name="options">Presence options (validated here).</param>
    /// <param name="prefix">The app's key prefix (<see cref="ChannelsRedisOptions.Prefix"/>).</param>
    /// <param name="timeProvider">The clock that scores leases.</param>
    public RedisPresenceStore(IConnectionMultiplexer redis, PresenceOptions options, string prefix, TimeProvider timeProvider)
        : this(new RedisConnection(redis), options, prefix, timeProvider)
    {
    }

    /// <param name="redis">The shared connection.</param>
    /// <param name="options">Presence options (validated here).</param>
    /// <param name="prefix">The app's key prefix (<see cref="ChannelsRedisOptions.Prefix"/>).</param>
    /// <param name="timeProvider">The clock that scores leases.</param>
    public RedisPresenceStore(RedisConnection redis, PresenceOptions options, string prefix, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _redis = redis;
        _options = PresenceOptionsValidator.ThrowIfInvalid(options);
        _prefix = prefix;
        _timeProvider = timeProvider;
        _leases = PresenceRedisKeys.Leases(prefix);
        _node = PresenceRedisKeys.Node(prefix, options.NodeId);
    }

    public string NodeId => _options.NodeId;

    /// <summary>
    /// Told of each channel a sweep left without any node holding it (webhooks' <c>channel_vacated</c> for a dead node's
    /// channels); when set, the sweep removes the dead node from the channels' marks (<c>OccupancyRedisScripts.Mark</c>),
    /// and the mark that removes a channel's last node decides, once, that it is vacated.
    /// </summary>
    internal Action<ChannelName>? OccupancyVacated { get; init; }

    /// <summary>
    /// Given the webhook events a sweep took over from the dead node's outbox (now in this node's), to send them; when
    /// set, the sweep moves the dead node's outbox into this node's.
    /// </summary>
    internal Action<IReadOnlyList<KeyValuePair<string, string>>>? OutboxInherited { get; init; }

    public async ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var info = PresenceMemberInfo.ToUtf8(member, _options.MaxMemberInfoBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);

        // The node's record goes in first: a connection in a channel is always in its node's set, so a sweep finds it.
        // NX starts the lease of a node that has not heartbeated yet; only heartbeats renew it.
        await Task.WhenAll(
            database.SetAddAsync(_node, PresenceRedisKeys.NodeEntry(channel, connectionId)),
            database.SortedSetAddAsync(_leases, NodeId, NowMilliseconds(), SortedSetWhen.NotExists)).ConfigureAwait(false);
        var result = (RedisResult[])(await PresenceRedisScripts.Join.EvaluateAsync(
            database,
            PresenceRedisKeys.Channel(_prefix, channel),
            [connectionId, member.Id, info])
            .ConfigureAwait(false))!;
        return (int)result[0] == 0 ? s_notJoined : new PresenceJoinResult(true, (int)result[1] == 1);
    }

    public async ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var result = (RedisResult[])(await PresenceRedisScripts.Leave.EvaluateAsync(
            database,
            PresenceRedisKeys.Channel(_prefix, channel),
            [connectionId])
            .ConfigureAwait(false))!;
        // Also when the channel did not know the connection: a join whose script never ran (Redis died after its node
        // record), or a leave retried after its script ran but this removal failed, leaves only the record behind. Joins
        // and leaves of one connection never overlap (they run under its operation lock, a disconnect's after its last
        // subscribe), so no join still on its way owns this record.
        await database.SetRemoveAsync(_node, PresenceRedisKeys.NodeEntry(channel, connectionId)).ConfigureAwait(false);
        return result.Length <= 1
            ? s_notLeft
            : new PresenceLeaveResult(PresenceMemberInfo.ToMember((string)result[0]!, (byte[])result[1]!), (int)result[2] == 1);
    }

    public async ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var entries = await database.HashGetAllAsync(PresenceRedisKeys.Info(_prefix, channel)).ConfigureAwait(false);
        var members = new PresenceMember[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            members[i] = PresenceMemberInfo.ToMember(entries[i].Name!, (byte[])entries[i].Value!);
        }

        return members;
    }

    public async ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        return (int)await database.HashLengthAsync(PresenceRedisKeys.Counts(_prefix, channel)).ConfigureAwait(false);
    }

    public async ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // One script, whatever the number of connections: the lease covers every entry of the node's set. A heartbeat
        // scores its lease a quarter millisecond past the whole one (a join starts leases on whole milliseconds), so
        // the previous score tells whether the lease is still the one this store renewed last.
        var now = NowMilliseconds();
        var renewal = now + 0.25;
        var staleClaims = now - (long)_options.MemberTimeout.TotalMilliseconds;
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var previous = await PresenceRedisScripts.Heartbeat.EvaluateAsync(database, [_leases], [NodeId, renewal, staleClaims]).ConfigureAwait(false);
        if (!previous.IsNull && (double)previous < 0 && -(double)previous >= staleClaims)
        {
            // Another node is sweeping this one (it missed renewals for a whole timeout) and the claim stays until the sweep
            // ends. Joining again now would race the sweep's removals: the loss is reported by the first heartbeat after
            // the sweep (no lease then, or a new one this store did not write), and the connections joined again then.
            _lastRenewal = double.NaN;
            return true;
        }

        var held = _lastRenewal is not { } last || (!previous.IsNull && (double)previous == last);
        _lastRenewal = renewal;
        return held;
    }

    public async ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var now = NowMilliseconds();
        var cutoff = now - (long)_options.MemberTimeout.TotalMilliseconds;
        var expired = await database.SortedSetRangeByScoreWithScoresAsync(_leases, double.NegativeInfinity, cutoff, Exclude.Stop).ConfigureAwait(false);
        List<PresenceExpiry>? expiries = null;
        foreach (var lease in expired)
        {
            var nodeId = (string)lease.Element!;
            // A negative score is another sweeper's claim; it is taken over only once it is older than the timeout.
            if (nodeId == NodeId || (lease.Score < 0 && -lease.Score >= cutoff))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var claim = -now;
            var claimed = (long)await PresenceRedisScripts.Claim.EvaluateAsync(database, [_leases], [nodeId, cutoff, claim, cutoff]).ConfigureAwait(false);
            if (claimed == 1)
            {
                await SweepNodeAsync(database, nodeId, claim, expiries ??= [], cancellationToken).ConfigureAwait(false);
            }
        }

        return expiries is null ? [] : expiries;
    }

    /// <summary>
    /// Removes a claimed node's connections a page at a time, one script per channel, then its query counts and its
    /// lease. Each page is taken off the node's set only after its channels were swept, so a sweeper that stops half-way
    /// leaves the rest to whoever takes the stale claim over. Stops if the node renewed its lease meanwhile.
    /// </summary>
    private async Task SweepNodeAsync(IDatabase database, string nodeId, long claim, List<PresenceExpiry> expiries, CancellationToken cancellationToken)
    {
        var node = PresenceRedisKeys.Node(_prefix, nodeId);
        for (var page = 0; ; page++)
        {
            if (page > 0 && await database.SortedSetScoreAsync(_leases, nodeId).ConfigureAwait(false) != claim)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var entries = await database.SetRandomMembersAsync(node, SweepPageSize).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                break;
            }

            var sweeps = entries
                .Select(e => PresenceRedisKeys.ParseNodeEntry((string)e!))
                .GroupBy(e => e.Channel, e => (RedisValue)e.ConnectionId, StringComparer.Ordinal)
                .Select(g => SweepChannelAsync(database, g.Key, [.. g]))
                .ToArray();
            foreach (var left in await Task.WhenAll(sweeps).ConfigureAwait(false))
            {
                expiries.AddRange(left);
            }

            await database.SetRemoveAsync(node, entries).ConfigureAwait(false);
        }

        if (OccupancyVacated is { } vacated)
        {
            await VacateAsync(database, nodeId, vacated).ConfigureAwait(false);
        }

        await database.KeyDeleteAsync(Query.OccupancyRedisKeys.Node(_prefix, nodeId)).ConfigureAwait(false);
        if (OutboxInherited is { } inherit)
        {
            await TakeOverOutboxAsync(database, nodeId, inherit).ConfigureAwait(false);
        }

        await PresenceRedisScripts.Release.EvaluateAsync(database, [_leases], [nodeId, claim]).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the claimed node from the marks of the channels it may be marked in (its marked set, which keeps a channel
    /// until the node's own unmark was done); reports those it was the last holder of.
    /// </summary>
    private async Task VacateAsync(IDatabase database, string nodeId, Action<ChannelName> vacated)
    {
        var marked = Query.OccupancyRedisKeys.Marked(_prefix, nodeId);
        var held = await database.SetMembersAsync(marked).ConfigureAwait(false);
        var marks = held
            .Where(h => ChannelName.TryParse((string?)h, int.MaxValue, out _, out _))
            .Select(h => (Channel: ChannelName.Parse((string)h!, int.MaxValue), Decided: Query.OccupancyRedisScripts.Mark.EvaluateAsync(
                database, [Query.OccupancyRedisKeys.ChannelNodes(_prefix, (string)h!)], [nodeId, "-"])))
            .ToArray();
        foreach (var (channel, decided) in marks)
        {
            if ((int)await decided.ConfigureAwait(false) == 1)
            {
                vacated(channel);
            }
        }

        await database.KeyDeleteAsync(marked).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the claimed node's webhook outbox into this node's, then deletes it, and hands the events over to be sent.
    /// Two keys of two slots, so not one atomic step: a sweeper that stops in between leaves the outbox to whoever takes
    /// the stale claim over, and the events are sent twice at worst (their ids let receivers drop the repeat).
    /// </summary>
    private async Task TakeOverOutboxAsync(IDatabase database, string nodeId, Action<IReadOnlyList<KeyValuePair<string, string>>> inherit)
    {
        var dead = Webhooks.WebhookRedisKeys.Outbox(_prefix, nodeId);
        var entries = await database.HashGetAllAsync(dead).ConfigureAwait(false);
        if (entries.Length > 0)
        {
            await database.HashSetAsync(Webhooks.WebhookRedisKeys.Outbox(_prefix, NodeId), entries).ConfigureAwait(false);
        }

        await database.KeyDeleteAsync(dead).ConfigureAwait(false);
        if (entries.Length > 0)
        {
            inherit([.. entries.Select(e => KeyValuePair.Create((string)e.Name!, (string)e.Value!))]);
        }
    }

    private async Task<IEnumerable<PresenceExpiry>> SweepChannelAsync(IDatabase database, string name, RedisValue[] connections)
    {
        // Names were validated when they joined; the configured length limit may have changed since.
        if (!ChannelName.TryParse(name, int.MaxValue, out var channel, out _))
        {
            return [];
        }

        var left = (RedisResult[])(await PresenceRedisScripts.SweepChannel.EvaluateAsync(database, PresenceRedisKeys.Channel(_prefix, channel), connections).ConfigureAwait(false))!;
        var expiries = new PresenceExpiry[left.Length / 3];
        for (var i = 0; i < expiries.Length; i++)
        {
            var member = PresenceMemberInfo.ToMember((string)left[3 * i]!, (byte[])left[(3 * i) + 1]!);
            expiries[i] = new PresenceExpiry(channel, member, (int)left[(3 * i) + 2] == 1);
        }

        return expiries;
    }

    private long NowMilliseconds() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
