namespace SignalRChannels.Redis.Presence;

/// <summary>
/// The Lua scripts of <see cref="RedisPresenceStore"/>. Each runs atomically on the Redis server, so the
/// reference counts, the node sets and the "joined"/"left" answers never disagree, whatever nodes run at once.
/// </summary>
internal static class PresenceRedisScripts
{
    /// <summary>
    /// KEYS: conns, counts, info, node set, leases. ARGV: connection id, member id, info, node entry, node id, now (ms).
    /// Returns {memberJoined, channelOccupied} as 0/1.
    /// </summary>
    public const string Join = """
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
          return {0, 0}
        end
        -- Only heartbeats renew a lease; NX starts one for a node that has not heartbeated yet.
        redis.call('ZADD', KEYS[5], 'NX', ARGV[6], ARGV[5])
        redis.call('SADD', KEYS[4], ARGV[4])
        local occupied = redis.call('EXISTS', KEYS[2]) == 0
        if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) > 1 then
          return {0, 0}
        end
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
        return {1, occupied and 1 or 0}
        """;

    /// <summary>KEYS: leases. ARGV: node id, score. Renews the node's lease and returns its previous score (nil if none).</summary>
    public const string Heartbeat = """
        local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        return previous
        """;

    /// <summary>
    /// KEYS: conns, counts, info, node set. ARGV: connection id, node entry.
    /// Returns {} when the connection is unknown or the member keeps other connections, else {member id, info, channelVacated}.
    /// </summary>
    public const string Leave = """
        local member = redis.call('HGET', KEYS[1], ARGV[1])
        if not member then
          return {}
        end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('SREM', KEYS[4], ARGV[2])
        if redis.call('HINCRBY', KEYS[2], member, -1) > 0 then
          return {}
        end
        redis.call('HDEL', KEYS[2], member)
        local info = redis.call('HGET', KEYS[3], member) or 'null'
        redis.call('HDEL', KEYS[3], member)
        return {member, info, redis.call('EXISTS', KEYS[2]) == 0 and 1 or 0}
        """;

    /// <summary>
    /// KEYS: leases, the dead node's set, the query counts' nodes hash, the dead node's channel counts and user
    /// connections (<see cref="Query.OccupancyRedisKeys"/>). ARGV: node id, cutoff (ms), channel key prefix,
    /// conns/counts/info suffixes. Claims the node (removes its lease) only if its lease is still older than the
    /// cutoff, so exactly one sweeper gets its connections and a node that heartbeated in the meantime is spared;
    /// the node's query counts go with it. Returns a flat array of
    /// {channel, member id, info, channelVacated} for each member that lost its last connection.
    /// </summary>
    /// <remarks>Touches channel keys not declared in KEYS: fine on a standalone or replicated Redis, not on Redis Cluster.</remarks>
    public const string Sweep = """
        local lease = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not lease or tonumber(lease) >= tonumber(ARGV[2]) then
          return {}
        end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        redis.call('DEL', KEYS[4], KEYS[5])
        local entries = redis.call('SMEMBERS', KEYS[2])
        redis.call('DEL', KEYS[2])
        local left = {}
        for _, entry in ipairs(entries) do
          local separator = string.find(entry, '\n', 1, true)
          local channel = string.sub(entry, 1, separator - 1)
          local connection = string.sub(entry, separator + 1)
          local base = ARGV[3] .. channel
          local conns = base .. ARGV[4]
          local member = redis.call('HGET', conns, connection)
          if member then
            redis.call('HDEL', conns, connection)
            local counts = base .. ARGV[5]
            if redis.call('HINCRBY', counts, member, -1) <= 0 then
              redis.call('HDEL', counts, member)
              local infos = base .. ARGV[6]
              local info = redis.call('HGET', infos, member) or 'null'
              redis.call('HDEL', infos, member)
              left[#left + 1] = channel
              left[#left + 1] = member
              left[#left + 1] = info
              left[#left + 1] = redis.call('EXISTS', counts) == 0 and 1 or 0
            end
          end
        end
        return left
        """;
}
