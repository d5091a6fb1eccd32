using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace SignalRChannels.FunctionalTests.Redis;

/// <summary><c>AddRedis</c> registers a health check that tells whether the node reaches Redis.</summary>
public sealed class RedisHealthCheckTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task HealthCheck_WithReachableRedis_IsHealthy()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions { RedisConfiguration = redis.Configuration });
        var report = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().DefaultTimeout();
        var entry = report.Entries["signalrchannels-redis"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("Redis answered", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_WithUnreachableRedis_IsUnhealthy()
    {
        // Port 1 on loopback: nothing listens; the multiplexer keeps retrying in the background.
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = "127.0.0.1:1,connectTimeout=200",
        });
        var report = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().DefaultTimeout();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["signalrchannels-redis"].Status);
    }
}
