using StackExchange.Redis;
using Testcontainers.Redis;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A real Redis for scale-out tests: <c>REDIS_URL</c> when set, else a Testcontainers Redis, else the tests fail
/// (never skip) with instructions. One server per test process; tests isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private const string HowToStart =
        "These tests need Redis. Start one and set REDIS_URL, for example: "
        + "redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no && export REDIS_URL=127.0.0.1:6379 "
        + "(on Debian: apt-get install -y redis-server), or run a Docker engine so Testcontainers can start redis:7-alpine.";

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_configuration;
    private static RedisContainer? s_container;

    /// <summary>The StackExchange.Redis configuration string of the test Redis.</summary>
    public string Configuration { get; private set; } = string.Empty;

    /// <summary>A fresh key and channel prefix, so tests sharing the server never see each other.</summary>
    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            s_configuration ??= await FindRedisAsync();
            Configuration = s_configuration;
        }
        finally
        {
            s_gate.Release();
        }
    }

    // The server is shared by the whole test run; Testcontainers' reaper removes a container at process exit.
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> FindRedisAsync()
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
