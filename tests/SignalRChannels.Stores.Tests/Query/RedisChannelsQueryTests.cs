namespace SignalRChannels.Stores.Tests.Query;

/// <summary>
/// The query API's counts on a real single server (the same tests run on Redis Cluster in
/// <see cref="Cluster.RedisClusterChannelsQueryTests"/>).
/// </summary>
public sealed class RedisChannelsQueryTests(RedisFixture redis) : RedisChannelsQueryTestsBase(redis), IClassFixture<RedisFixture>;
