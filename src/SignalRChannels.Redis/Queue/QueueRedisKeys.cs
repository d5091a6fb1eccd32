using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>The keys of the Redis queue store, all under <c>{prefix}:q:</c>.</summary>
internal static partial class RedisKeys
{
    /// <summary>The name of every partition stream's consumer group.</summary>
    public const string QueueGroup = "workers";

    /// <summary>Partition <paramref name="partition"/>'s stream of queued events (<c>{prefix}:q:{partition}</c>), one field <c>j</c>: the event as JSON.</summary>
    public static RedisKey QueuePartition(string prefix, int partition) => $"{prefix}:q:{partition}";

    /// <summary>Who owns partition <paramref name="partition"/> (<c>{prefix}:q:{partition}:owner</c>): a node's consumer name, with the lease time as TTL.</summary>
    public static RedisKey QueueOwner(string prefix, int partition) => $"{prefix}:q:{partition}:owner";

    /// <summary>The dead letters of every partition (<c>{prefix}:q:dead</c>): fields <c>j</c> (the event), <c>r</c> (reason), <c>a</c> (attempts), <c>t</c> (Unix ms).</summary>
    public static RedisKey QueueDeadLetters(string prefix) => $"{prefix}:q:dead";
}
