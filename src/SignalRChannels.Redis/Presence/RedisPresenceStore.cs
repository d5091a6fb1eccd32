using SignalRChannels.Redis.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Presence;

/// <summary>
/// Cluster-wide presence on Redis (layout in <see cref="PresenceRedisKeys"/>, atomic steps in
/// <see cref="PresenceRedisScripts"/>). Leases are scored with <see cref="TimeProvider"/> time, so node clocks must
/// agree to well within <c>MemberTimeout - HeartbeatInterval</c>.
/// </summary>
internal sealed class RedisPresenceStore : IPresenceStore
{
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


    public async ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var info = PresenceMemberInfo.ToUtf8(member, _options.MaxMemberInfoBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(
            PresenceRedisScripts.Join,
            [
                PresenceRedisKeys.Connections(_prefix, channel),
                PresenceRedisKeys.Counts(_prefix, channel),
                PresenceRedisKeys.Info(_prefix, channel),
                _node,
                _leases,
            ],
            [connectionId, member.Id, info, PresenceRedisKeys.NodeEntry(channel, connectionId), NodeId, NowMilliseconds()])
            .ConfigureAwait(false))!;
        return (int)result[0] == 0 ? s_notJoined : new PresenceJoinResult(true, (int)result[1] == 1);
    }

    public async ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(
            PresenceRedisScripts.Leave,
            [
                PresenceRedisKeys.Connections(_prefix, channel),
                PresenceRedisKeys.Counts(_prefix, channel),
                PresenceRedisKeys.Info(_prefix, channel),
                _node,
            ],
            [connectionId, PresenceRedisKeys.NodeEntry(channel, connectionId)])
            .ConfigureAwait(false))!;
        return result.Length == 0
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
        var renewal = NowMilliseconds() + 0.25;
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var previous = await database.ScriptEvaluateAsync(PresenceRedisScripts.Heartbeat, [_leases], [NodeId, renewal]).ConfigureAwait(false);
        var held = _lastRenewal is not { } last || (!previous.IsNull && (double)previous == last);
        _lastRenewal = renewal;
        return held;
    }

    public async ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var cutoff = (_timeProvider.GetUtcNow() - _options.MemberTimeout).ToUnixTimeMilliseconds();
        var expired = await database.SortedSetRangeByScoreAsync(_leases, double.NegativeInfinity, cutoff, Exclude.Stop).ConfigureAwait(false);
        List<PresenceExpiry>? expiries = null;
        foreach (var node in expired)
        {
            var nodeId = (string)node!;
            if (nodeId == NodeId)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var left = (RedisResult[])(await database.ScriptEvaluateAsync(
                PresenceRedisScripts.Sweep,
                PresenceRedisKeys.SweepKeys(_prefix, nodeId),
                [
                    nodeId,
                    cutoff,
                    PresenceRedisKeys.ChannelKeyPrefix(_prefix),
                    PresenceRedisKeys.ConnectionsSuffix,
                    PresenceRedisKeys.CountsSuffix,
                    PresenceRedisKeys.InfoSuffix,
                ])
                .ConfigureAwait(false))!;
            for (var i = 0; i + 3 < left.Length; i += 4)
            {
                // Names were validated when they joined; the configured length limit may have changed since.
                if (ChannelName.TryParse((string?)left[i], int.MaxValue, out var channel, out _))
                {
                    var member = PresenceMemberInfo.ToMember((string)left[i + 1]!, (byte[])left[i + 2]!);
                    (expiries ??= []).Add(new PresenceExpiry(channel, member, (int)left[i + 3] == 1));
                }
            }
        }

        return expiries is null ? [] : expiries;
    }

    private long NowMilliseconds() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
