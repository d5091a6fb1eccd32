using SignalRChannels.Redis.Internal;

namespace SignalRChannels.Redis.Presence;

/// <summary>
/// The Lua scripts of <see cref="RedisPresenceStore"/>. Each touches only the keys it is given, all in one hash slot
/// (one channel's keys, or the leases), so they run on Redis Cluster as on a single server. Each runs atomically, so a
/// channel's reference counts and the "joined"/"left" answers never disagree, whatever nodes run at once.
/// </summary>
internal static class PresenceRedisScripts
{
    /// <summary>
    /// KEYS: conns, counts, info (<see cref="PresenceRedisKeys.Channel"/>). ARGV: connection id, member id, info.
    /// Returns {memberJoined, channelOccupied} as 0/1.
    /// </summary>
    public static readonly RedisScript Join = new("""
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
          return {0, 0}
        end
        local occupied = redis.call('EXISTS', KEYS[2]) == 0
        if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) > 1 then
          return {0, 0}
        end
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
        return {1, occupied and 1 or 0}
        """);

    /// <summary>
    /// KEYS: leases. ARGV: node id, score, stale-claim cutoff (ms). Renews the node's lease and returns its previous score
    /// (nil if none), except while a sweeper's claim on the node (a negative score, see <see cref="Claim"/>) is younger
    /// than the cutoff: then the claim stays, so the sweep ends before the node can join its connections again.
    /// </summary>
    public static readonly RedisScript Heartbeat = new("""
        local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if previous and tonumber(previous) < 0 and -tonumber(previous) >= tonumber(ARGV[3]) then
          return previous
        end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        return previous
        """);

    /// <summary>
    /// KEYS: conns, counts, info. ARGV: connection id. Returns {} when the connection is unknown, {0} when it was
    /// removed and its member keeps other connections, else {member id, info, channelVacated}.
    /// </summary>
    public static readonly RedisScript Leave = new("""
        local member = redis.call('HGET', KEYS[1], ARGV[1])
        if not member then
          return {}
        end
        redis.call('HDEL', KEYS[1], ARGV[1])
        if redis.call('HINCRBY', KEYS[2], member, -1) > 0 then
          return {0}
        end
        redis.call('HDEL', KEYS[2], member)
        local info = redis.call('HGET', KEYS[3], member) or 'null'
        redis.call('HDEL', KEYS[3], member)
        return {member, info, redis.call('EXISTS', KEYS[2]) == 0 and 1 or 0}
        """);

    /// <summary>
    /// KEYS: conns, counts, info of one channel. ARGV: connection ids of a dead node in that channel. Removes each
    /// connection still there, as <see cref="Leave"/> does. Returns a flat array of {member id, info, channelVacated}
    /// for each member that lost its last connection. A connection already gone is skipped, so sweepers that run this
    /// for the same connections at once report each member once between them.
    /// </summary>
    public static readonly RedisScript SweepChannel = new("""
        local left = {}
        for _, connection in ipairs(ARGV) do
          local member = redis.call('HGET', KEYS[1], connection)
          if member then
            redis.call('HDEL', KEYS[1], connection)
            if redis.call('HINCRBY', KEYS[2], member, -1) <= 0 then
              redis.call('HDEL', KEYS[2], member)
              local info = redis.call('HGET', KEYS[3], member) or 'null'
              redis.call('HDEL', KEYS[3], member)
              left[#left + 1] = member
              left[#left + 1] = info
              left[#left + 1] = redis.call('EXISTS', KEYS[2]) == 0 and 1 or 0
            end
          end
        end
        return left
        """);

    /// <summary>
    /// KEYS: leases. ARGV: node id, cutoff (ms), this claim's score (minus now, in ms), stale-claim cutoff (ms). Claims a
    /// dead node for sweeping by scoring its lease with the (negative) claim: only if its lease is older than the cutoff,
    /// so a node that heartbeated in the meantime is spared, or if another sweeper's claim is older than the stale-claim
    /// cutoff (that sweeper stopped half-way). Returns 1 when claimed, else 0.
    /// </summary>
    public static readonly RedisScript Claim = new("""
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score then
          return 0
        end
        score = tonumber(score)
        if score >= 0 then
          if score >= tonumber(ARGV[2]) then
            return 0
          end
        elseif -score >= tonumber(ARGV[4]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        return 1
        """);

    /// <summary>
    /// KEYS: leases. ARGV: node id, the claim's score. Removes the swept node's lease if it still holds this claim (a
    /// node that came back and heartbeated keeps its renewed lease). Returns 1 when removed, else 0.
    /// </summary>
    public static readonly RedisScript Release = new("""
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) == tonumber(ARGV[2]) then
          redis.call('ZREM', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """);
}
