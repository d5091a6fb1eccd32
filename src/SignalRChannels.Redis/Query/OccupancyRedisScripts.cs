namespace SignalRChannels.Redis.Query;

/// <summary>The Lua scripts of <see cref="RedisOccupancyWriter"/>; each applies one batch of a node's changes atomically.</summary>
internal static class OccupancyRedisScripts
{
    /// <summary>
    /// KEYS: nodes, the node's channels, the node's users, leases. ARGV: node id, now (ms), connection delta, n, then n
    /// pairs {channel, delta}, then quadruples {'+' or '-', user id, connection id, info}. A node's first write starts its
    /// lease (NX), so its entries are swept even if it dies before its first heartbeat.
    /// </summary>
    public const string Apply = """
        redis.call('ZADD', KEYS[4], 'NX', ARGV[2], ARGV[1])
        local delta = tonumber(ARGV[3])
        if delta ~= 0 and redis.call('HINCRBY', KEYS[1], ARGV[1], delta) == 0 then
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        local i = 5
        for _ = 1, tonumber(ARGV[4]) do
          if redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) == 0 then
            redis.call('HDEL', KEYS[2], ARGV[i])
          end
          i = i + 2
        end
        while i <= #ARGV do
          local current = redis.call('HGET', KEYS[3], ARGV[i + 1])
          local connections = current and cjson.decode(current) or {}
          if ARGV[i] == '+' then
            connections[ARGV[i + 2]] = ARGV[i + 3]
          else
            connections[ARGV[i + 2]] = nil
          end
          if next(connections) == nil then
            redis.call('HDEL', KEYS[3], ARGV[i + 1])
          else
            redis.call('HSET', KEYS[3], ARGV[i + 1], cjson.encode(connections))
          end
          i = i + 4
        end
        return 1
        """;

    /// <summary>
    /// KEYS: nodes, the node's channels, the node's users, leases. ARGV: node id, now (ms), connections, n, then n pairs
    /// {channel, count}, then pairs {user id, connections JSON}. Replaces everything stored for the node.
    /// </summary>
    public const string Replace = """
        redis.call('ZADD', KEYS[4], 'NX', ARGV[2], ARGV[1])
        redis.call('DEL', KEYS[2], KEYS[3])
        if tonumber(ARGV[3]) > 0 then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        else
          redis.call('HDEL', KEYS[1], ARGV[1])
        end
        local i = 5
        for _ = 1, tonumber(ARGV[4]) do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        while i <= #ARGV do
          redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        return 1
        """;
}
