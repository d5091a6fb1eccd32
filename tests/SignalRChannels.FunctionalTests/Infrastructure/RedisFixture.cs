namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The real Redis of the scale-out tests, as an xunit class fixture (see <see cref="TestRedis"/>).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    /// <summary>The StackExchange.Redis configuration string of the test Redis.</summary>
    public string Configuration { get; private set; } = string.Empty;

    /// <summary>A fresh key and channel prefix, so tests sharing the server never see each other.</summary>
    public static string NewPrefix() => TestRedis.NewPrefix("test");

    public async Task InitializeAsync() => Configuration = await TestRedis.GetConfigurationAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
