namespace SignalRChannels.Stores.Tests.Queue;

/// <summary>
/// The queue contract on a real single server (the same tests run on Redis Cluster in
/// <see cref="Cluster.RedisClusterChannelQueueStoreTests"/>).
/// </summary>
public sealed class RedisChannelQueueStoreTests(RedisFixture redis) : RedisChannelQueueStoreTestsBase(redis), IClassFixture<RedisFixture>;
