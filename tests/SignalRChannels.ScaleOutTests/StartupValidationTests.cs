using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.ScaleOutTests;

/// <summary>The scale-out options fail the start when they are wrong, with a message that says what to fix.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task AddConnectionLimit_WithZeroConnections_FailsAtStart()
    {
        await using var app = Build(channels => channels.AddConnectionLimit(o => o.MaxConnections = 0));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync()).DefaultTimeout();

        Assert.Contains(nameof(ConnectionLimitOptions.MaxConnections), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGracefulDrain_BeforeAddRedis_FailsAtStart()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        await using var app = Build(channels => channels.AddGracefulDrain().AddRedis(o =>
        {
            o.Configuration = redis;
            o.Prefix = TestRedis.NewPrefix("scaleout-validation");
        }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync()).DefaultTimeout();

        Assert.Contains("AddGracefulDrain() must come after AddRedis()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGracefulDrain_AfterAddRedis_Starts()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        await using var app = Build(channels => channels.AddRedis(o =>
        {
            o.Configuration = redis;
            o.Prefix = TestRedis.NewPrefix("scaleout-validation");
        }).AddGracefulDrain());

        await app.StartAsync().DefaultTimeout();
        await app.StopAsync().DefaultTimeout();
    }

    private static WebApplication Build(Action<IChannelsServerBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder.Services.AddSignalR().AddChannels());
        return builder.Build();
    }
}
