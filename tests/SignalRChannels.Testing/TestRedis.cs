using StackExchange.Redis;
using Testcontainers.Redis;

namespace SignalRChannels.Testing;

/// <summary>
/// The real Redis every scale-out test runs against: <c>REDIS_URL</c> when set, else a Testcontainers Redis, else
/// the tests fail (they never skip) with instructions. One server per test process; tests isolate themselves with
/// <see cref="NewPrefix"/>.
/// </summary>
public static class TestRedis
{
    public const string HowToStart =
        "These tests need Redis. Start one and set REDIS_URL, for example: "
        + "redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no && export REDIS_URL=127.0.0.1:6379 "
        + "(on Debian: apt-get install -y redis-server), or run a Docker engine so Testcontainers can start redis:7-alpine.";

    private static readonly Lazy<Task<string>> s_configuration = new(FindAsync);
    private static RedisContainer? s_container;

    /// <summary>The StackExchange.Redis configuration string of the test Redis, checked with a PING.</summary>
    public static Task<string> GetConfigurationAsync() => s_configuration.Value;

    /// <summary>A fresh key and channel prefix, so tests sharing the server never see each other.</summary>
    public static string NewPrefix(string kind = "test") => $"{kind}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>A connection of the caller's own (as another node would have); the caller disposes it.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(await GetConfigurationAsync());

    /// <summary>Deletes every key under a test's prefix.</summary>
    public static async Task DeleteKeysAsync(IConnectionMultiplexer redis, string prefix)
    {
        foreach (var server in redis.GetServers())
        {
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 1000))
            {
                keys.Add(key);
            }

            // One DEL per key: on Redis Cluster a DEL of several keys must stay in one slot.
            await Task.WhenAll(keys.Select(k => redis.GetDatabase().KeyDeleteAsync(k)));
        }
    }

    private static async Task<string> FindAsync()
    {
        var url = Environment.GetEnvironmentVariable("REDIS_URL");
        var configuration = string.IsNullOrWhiteSpace(url) ? await StartContainerAsync() : FromUrl(url);
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=3000,abortConnect=true");
            await connection.GetDatabase().PingAsync();
        }
        catch (RedisException ex)
        {
            throw new InvalidOperationException($"Redis at '{configuration}' does not answer. {HowToStart}", ex);
        }

        return configuration;
    }

    private static async Task<string> StartContainerAsync()
    {
        try
        {
            // Testcontainers' reaper removes the container when the test process exits.
            var container = new RedisBuilder("redis:7-alpine").Build();
            await container.StartAsync();
            s_container = container;
            return container.GetConnectionString();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"REDIS_URL is not set and Testcontainers could not start Redis. {HowToStart}", ex);
        }
    }

    // Accepts "host:port" as well as "redis://host:port".
    private static string FromUrl(string url) =>
        url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? url["redis://".Length..].TrimEnd('/') : url;
}
