using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Client.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddChannelsClient_StartOnHost_ConnectsWithTheHostAndStopsWithIt()
    {
        await using var node = await TestNode.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddChannelsClient(options =>
        {
            options.Url = node.HubUrl;
            options.Protocol = ChannelsProtocol.MessagePack;
            options.AccessTokenProvider = () => Task.FromResult<string?>("worker");
        }).StartOnHost();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<ChannelsClient>();
        var states = new Recorder<ConnectionState>();
        client.StateChanged += (_, e) => states.Add(e.Current);
        var channel = client.Private("secret.di");

        await host.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();

        Assert.Same(client, host.Services.GetRequiredService<ChannelsClient>());
        Assert.Equal("worker", await client.InvokeAsync<string>("WhoAmI", []).DefaultTimeout());
        await host.StopAsync().DefaultTimeout();
        Assert.Equal(ConnectionState.Disconnected, client.State);
        Assert.Equal([ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected], states.Items);
    }

    [Fact]
    public async Task AddChannelsClient_WithoutUrl_FailsValidationWhenTheHostStarts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddChannelsClient(options => options.Reconnect.MaxAttempts = 0).StartOnHost();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().DefaultTimeout());

        Assert.Contains(error.Failures, f => f.Contains("Url", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
    }
}
