using SignalRChannels.Redis.Internal;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// The Lua scripts of <see cref="RedisOccupancyWriter"/>; each applies one batch of a node's changes atomically, to
/// the node's own keys only (<see cref="OccupancyRedisKeys.Node"/>, one hash slot). The lease is started beside them.
/// </summary>
internal static class OccupancyRedisScripts
{
    /// <summary>
    /// KEYS: the node's connections, channels, users. ARGV: connection delta, n, then n pairs {channel, delta}, then
    /// quadruples {'+' or '-', user id, connection id, info}. Returns {'+' or '-', channel} for each channel the node
    /// started or stopped holding (for <see cref="Mark"/>); with a fourth key (the node's marked set, webhooks only),
    /// adds the channels it started holding to it.
    /// </summary>
    public static readonly RedisScript Apply = new("""
        local delta = tonumber(ARGV[1])
        if delta ~= 0 and redis.call('INCRBY', KEYS[1], delta) == 0 then
          redis.call('DEL', KEYS[1])
        end
        local crossed = {}
        local i = 3
        for _ = 1, tonumber(ARGV[2]) do
          local change = tonumber(ARGV[i + 1])
          local after = redis.call('HINCRBY', KEYS[2], ARGV[i], change)
          if after == 0 then
            redis.call('HDEL', KEYS[2], ARGV[i])
          end
          if (after - change > 0) ~= (after > 0) then
            crossed[#crossed + 1] = after > 0 and '+' or '-'
            crossed[#crossed + 1] = ARGV[i]
            if after > 0 and KEYS[4] then
              redis.call('SADD', KEYS[4], ARGV[i])
            end
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
        return crossed
        """);

    /// <summary>
    /// KEYS: the node's connections, channels, users. ARGV: connections, n, then n pairs {channel, count}, then pairs
    /// {user id, connections JSON}. Replaces everything stored for the node. Returns the channels it started or stopped
    /// holding thereby, as <see cref="Apply"/> (adding to the optional marked set alike).
    /// </summary>
    public static readonly RedisScript Replace = new("""
        local held = {}
        local old = redis.call('HGETALL', KEYS[2])
        for j = 1, #old, 2 do
          held[old[j]] = tonumber(old[j + 1]) > 0
        end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        if tonumber(ARGV[1]) > 0 then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        local crossed = {}
        local i = 3
        for _ = 1, tonumber(ARGV[2]) do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          local now = tonumber(ARGV[i + 1]) > 0
          if now ~= (held[ARGV[i]] or false) then
            crossed[#crossed + 1] = now and '+' or '-'
            crossed[#crossed + 1] = ARGV[i]
            if now and KEYS[4] then
              redis.call('SADD', KEYS[4], ARGV[i])
            end
          end
          held[ARGV[i]] = nil
          i = i + 2
        end
        for channel, was in pairs(held) do
          if was then
            crossed[#crossed + 1] = '-'
            crossed[#crossed + 1] = channel
          end
        end
        while i <= #ARGV do
          redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        return crossed
        """);

    /// <summary>
    /// KEYS: the channel's nodes (<see cref="OccupancyRedisKeys.ChannelNodes"/>, the channel's slot). ARGV: node id,
    /// '+' (the node holds the channel now) or '-' (it no longer does). Returns 1 when this made the channel occupied
    /// ('+' on an empty hash) or vacated ('-' removing its last node), else 0: each transition is decided once,
    /// whatever nodes mark the channel at once.
    /// </summary>
    public static readonly RedisScript Mark = new("""
        if ARGV[2] == '+' then
          local empty = redis.call('EXISTS', KEYS[1]) == 0
          if redis.call('HSET', KEYS[1], ARGV[1], 1) == 1 and empty then
            return 1
          end
          return 0
        end
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 and redis.call('EXISTS', KEYS[1]) == 0 then
          return 1
        end
        return 0
        """);
}
