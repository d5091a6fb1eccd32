using StackExchange.Redis;
using Testcontainers.Redis;

namespace SignalRChannels.Specification.Tests.Infrastructure;

/// <summary>
/// The real Redis the Redis tests run against: <c>REDIS_URL</c> when set, else a Testcontainers Redis, else the
/// tests fail (they never skip) with instructions. One connection per test process; tests isolate themselves
/// with <see cref="NewPrefix"/>, because the server may be shared with other test runs.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private const string HowToStart =
        "These tests need Redis. Start one and set REDIS_URL, for example: "
        + "redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no && export REDIS_URL=127.0.0.1:6379 "
        + "(Debian: apt-get install -y redis-server), or run a Docker engine so Testcontainers can start redis:7-alpine.";

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_configuration;
    private static ConnectionMultiplexer? s_connection;
    private static RedisContainer? s_container;

    /// <summary>The StackExchange.Redis configuration string of the test server.</summary>
    public string Configuration => s_configuration ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The connection the tests share.</summary>
    public IConnectionMultiplexer Connection => s_connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A fresh key prefix, so tests sharing the server never see each other's keys.</summary>
    public static string NewPrefix() => "spec-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A second, independent connection, as another node would have; the caller disposes it.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    public async Task InitializeAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            s_configuration ??= FromUrl(Environment.GetEnvironmentVariable("REDIS_URL")) ?? await StartContainerAsync();
            s_connection ??= await ConnectOrExplainAsync(s_configuration);
        }
        finally
        {
            s_gate.Release();
        }
    }

    // The connection and any container serve the whole run; Testcontainers' reaper removes a container at exit.
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<ConnectionMultiplexer> ConnectOrExplainAsync(string configuration)
    {
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=3000,abortConnect=true");
            await connection.GetDatabase().PingAsync();
            return connection;
        }
        catch (RedisException ex)
        {
            throw new InvalidOperationException($"Redis at '{configuration}' does not answer. {HowToStart}", ex);
        }
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

    // Accepts "host:port" and "redis://host:port".
    private static string? FromUrl(string? url) =>
        string.IsNullOrWhiteSpace(url) ? null
        : url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? url["redis://".Length..].TrimEnd('/')
        : url;
}
