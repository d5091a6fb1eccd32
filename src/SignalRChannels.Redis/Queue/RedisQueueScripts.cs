namespace SignalRChannels.Redis.Internal;

/// <summary>The Lua scripts of the Redis queue store; each touches the one key it is given, so they run on Redis Cluster too.</summary>
internal static class RedisQueueScripts
{
    /// <summary>KEYS[1]: a partition stream; ARGV[1]: its capacity; ARGV[2]: the event. Returns the entry id, or nil when full.</summary>
    public static readonly RedisScript Enqueue = new("""
        if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
          return false
        end
        return redis.call('XADD', KEYS[1], '*', 'j', ARGV[2])
        """);

    /// <summary>KEYS[1]: a partition stream; ARGV[1]: the group; ARGV[2…]: entry ids. Acknowledges and deletes the entries.</summary>
    public static readonly RedisScript Acknowledge = new("""
        local ids = {unpack(ARGV, 2)}
        redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
        return redis.call('XDEL', KEYS[1], unpack(ids))
        """);

    /// <summary>
    /// KEYS[1]: a partition's owner key; ARGV[1]: this node; ARGV[2]: the lease in ms. Returns 1 when this node owned
    /// it and renewed it, 2 when it was free and this node took it, 0 when another node owns it.
    /// </summary>
    public static readonly RedisScript Lease = new("""
        local owner = redis.call('GET', KEYS[1])
        if owner == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        if not owner then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 2
        end
        return 0
        """);

    /// <summary>KEYS[1]: a partition's owner key; ARGV[1]: this node. Gives the partition up if this node owns it.</summary>
    public static readonly RedisScript Release = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """);
}
