using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>
/// The real Redis the Redis store tests run against (see <see cref="TestRedis"/>), with one connection shared by the
/// test process; tests isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static ConnectionMultiplexer? s_connection;

    /// <summary>The StackExchange.Redis configuration string of the test server.</summary>
    public string Configuration { get; private set; } = string.Empty;

    /// <summary>The connection the tests share.</summary>
    public IConnectionMultiplexer Connection => s_connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A fresh key prefix, so tests sharing the server never see each other's keys.</summary>
    public static string NewPrefix() => TestRedis.NewPrefix("spec");

    /// <summary>A second, independent connection, as another node would have; the caller disposes it.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => TestRedis.ConnectAsync();

    public async Task InitializeAsync()
    {
        Configuration = await TestRedis.GetConfigurationAsync();
        await s_gate.WaitAsync();
        try
        {
            s_connection ??= await TestRedis.ConnectAsync();
        }
        finally
        {
            s_gate.Release();
        }
    }

    // The connection serves the whole run.
    public Task DisposeAsync() => Task.CompletedTask;
}
