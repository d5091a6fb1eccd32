using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>The Redis of the presence tests (see <see cref="TestRedis"/>): a shared multiplexer and key clean-up.</summary>
public static class RedisTestServer
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> s_shared = new(ConnectAsync);

    /// <summary>One multiplexer shared by the tests (as nodes of an app share one).</summary>
    public static Task<ConnectionMultiplexer> SharedAsync() => s_shared.Value;

    /// <summary>A multiplexer of its own, for tests that observe its traffic.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync() => TestRedis.ConnectAsync();

    /// <summary>Deletes every key under a test's prefix.</summary>
    public static Task DeleteKeysAsync(IConnectionMultiplexer redis, string prefix) => TestRedis.DeleteKeysAsync(redis, prefix);

    /// <summary>A fresh key prefix, so tests sharing the server never see each other.</summary>
    public static string NewPrefix() => TestRedis.NewPrefix("ptest");
}
