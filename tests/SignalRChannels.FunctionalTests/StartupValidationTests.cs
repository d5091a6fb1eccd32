using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SignalRChannels.FunctionalTests;

public class StartupValidationTests
{
    [Theory]
    [InlineData(nameof(ChannelsOptions.MaxSubscriptionsPerConnection), 0)]
    [InlineData(nameof(ChannelsOptions.MaxSubscriptionsPerConnection), -1)]
    [InlineData(nameof(ChannelsOptions.MaxChannelNameLength), 15)]
    [InlineData(nameof(ChannelsOptions.MaxChannelNameLength), 1025)]
    [InlineData(nameof(ChannelsOptions.MaxEventNameLength), 7)]
    [InlineData(nameof(ChannelsOptions.MaxPayloadBytes), 63)]
    [InlineData(nameof(ChannelsOptions.MaxPayloadDepth), 0)]
    [InlineData(nameof(ChannelsOptions.MaxPayloadDepth), 65)]
    [InlineData(nameof(ChannelsOptions.MaxEventFilterNames), 0)]
    public async Task Start_WithOptionOutOfRange_FailsWithOptionsValidationException(string option, int value)
    {
        var property = typeof(ChannelsOptions).GetProperty(option)!;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.Configure(o => property.SetValue(o, value)),
        }));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithRedisPrefixEmpty_FailsWithOptionsValidationException()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = "127.0.0.1:1",
            RedisPrefix = "",
        }));
    }

    [Fact]
    public async Task Start_WithRedisButNoConfiguration_FailsWithOptionsValidationException()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder => builder.Services.AddSignalR().AddChannels().AddRedis(_ => { }),
        }));
    }

    [Fact]
    public async Task MaxSubscriptionsPerConnection_IsEnforced()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.Configure(o => o.MaxSubscriptionsPerConnection = 2),
        });
        var client = await server.ConnectAsync();
        await client.SubscribeManyAsync([TestChannels.Unique("a"), TestChannels.Unique("b")]);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.LimitExceeded, () => client.SubscribeAsync(TestChannels.Unique("c")));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.LimitExceeded, () => client.SubscribeManyAsync(["x", "y", "z"]));
    }

    [Fact]
    public async Task MaxChannelNameLength_IsEnforced()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.Configure(o => o.MaxChannelNameLength = 16),
        });
        var client = await server.ConnectAsync();

        var result = await client.SubscribeAsync(new string('a', 16));

        Assert.Null(result.Error);
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.InvalidChannel, () => client.SubscribeAsync(new string('a', 17)));
    }
}
