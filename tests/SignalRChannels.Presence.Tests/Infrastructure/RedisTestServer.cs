using StackExchange.Redis;

namespace SignalRChannels.Presence.Tests.Infrastructure;

/// <summary>
/// The Redis the tests run against: <c>REDIS_URL</c> (for example <c>127.0.0.1:6379</c>). Without it, or when it
/// does not answer, Redis tests fail (never skip) with instructions. Tests isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public static class RedisTestServer
{
    private const string HowToStart =
        "Presence tests need Redis: redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no "
        + "&& export REDIS_URL=127.0.0.1:6379 (on Debian: apt-get install -y redis-server).";

    private static readonly Lazy<Task<ConnectionMultiplexer>> s_shared = new(() => ConnectAsync());

    /// <summary>The StackExchange.Redis configuration string from <c>REDIS_URL</c>.</summary>
    public static string Configuration
    {
        get
        {
            var url = Environment.GetEnvironmentVariable("REDIS_URL");
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new InvalidOperationException("REDIS_URL is not set. " + HowToStart);
            }

            return url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? url["redis://".Length..].TrimEnd('/') : url;
        }
    }

    /// <summary>One multiplexer shared by the tests (as nodes of an app share one).</summary>
    public static Task<ConnectionMultiplexer> SharedAsync() => s_shared.Value;

    /// <summary>A multiplexer of its own, for tests that observe its traffic.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var configuration = Configuration;
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=3000,abortConnect=true");
            await connection.GetDatabase().PingAsync();
            return connection;
        }
        catch (RedisException ex)
        {
            throw new InvalidOperationException($"Redis at '{configuration}' does not answer. " + HowToStart, ex);
        }
    }

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

            if (keys.Count > 0)
            {
                await redis.GetDatabase().KeyDeleteAsync([.. keys]);
            }
        }
    }

    /// <summary>A fresh key prefix, so tests sharing the server never see each other.</summary>
    public static string NewPrefix() => "ptest-" + Guid.NewGuid().ToString("N")[..12];
}
