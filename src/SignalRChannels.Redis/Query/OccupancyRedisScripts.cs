namespace SignalRChannels.Redis.Query;

/// <summary>
/// The Lua scripts of <see cref="RedisOccupancyWriter"/>; each applies one batch of a node's changes atomically, to
/// the node's own keys only (<see cref="OccupancyRedisKeys.Node"/>, one hash slot). The lease is started beside them.
/// </summary>
internal static class OccupancyRedisScripts
{
    /// <summary>
    /// KEYS: the node's connections, channels, users. ARGV: connection delta, n, then n pairs {channel, delta}, then
    /// quadruples {'+' or '-', user id, connection id, info}.
    /// </summary>
    public const string Apply = """
        local delta = tonumber(ARGV[1])
        if delta ~= 0 and redis.call('INCRBY', KEYS[1], delta) == 0 then
          redis.call('DEL', KEYS[1])
        end
        local i = 3
        for _ = 1, tonumber(ARGV[2]) do
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
    /// KEYS: the node's connections, channels, users. ARGV: connections, n, then n pairs {channel, count}, then pairs
    /// {user id, connections JSON}. Replaces everything stored for the node.
    /// </summary>
    public const string Replace = """
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        if tonumber(ARGV[1]) > 0 then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        local i = 3
        for _ = 1, tonumber(ARGV[2]) do
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
