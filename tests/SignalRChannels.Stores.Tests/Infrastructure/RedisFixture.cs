using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>
/// The single Redis server the Redis store tests run against (see <see cref="TestRedis"/>), with one connection shared
/// by the test process; tests isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public sealed class RedisFixture : IRedisTarget, IAsyncLifetime
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static ConnectionMultiplexer? s_connection;

    public string Configuration { get; private set; } = string.Empty;

    public IConnectionMultiplexer Connection => s_connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    public string NewPrefix(string kind, params Func<string, RedisKey>[] spreadKeys) => TestRedis.NewPrefix(kind);

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
