using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SignalRChannels.FunctionalTests.Authorization;

namespace SignalRChannels.FunctionalTests.Pipeline;

public sealed class PipelineFixture : ChannelsServerFixture
{
    public TestLoggerProvider Logs { get; } = new();

    public PipelineTestApp.MiddlewareProbe Probe => Server.Services.GetRequiredService<PipelineTestApp.MiddlewareProbe>();

    protected override ChannelsTestServerOptions Options => PipelineTestApp.Options(Logs);
}

/// <summary>Publish middleware on one node: server publishes, whispers and presence events, both hub protocols.</summary>
public class PublishMiddlewareTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ServerPublish_Enriched_ReachesSubscribersWithTheAddedField(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, "enrich", new { orderId = 42 }).DefaultTimeout();

        var received = await client.AssertNextEventAsync(channel, "enrich");
        Assert.Equal("""{"orderId":42,"serverId":"srv-1"}""", received.DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task GlobalMiddleware_RunsInRegistrationOrder(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, "trail", new { }).DefaultTimeout();

        Assert.Equal("""{"trail":["first","second"]}""", (await client.AssertNextEventAsync(channel, "trail")).DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PatternMiddleware_TransformsMatchingChannelsOnly(WireProtocol protocol)
    {
        var orders = TestChannels.Unique("orders");
        var other = TestChannels.Unique("invoices");
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeManyAsync([orders, other]);

        await Server.Broadcaster.PublishAsync(orders, "rename-me", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(other, "rename-me", null).DefaultTimeout();

        await client.AssertNextEventAsync(orders, "renamed");
        await client.AssertNextEventAsync(other, "rename-me");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ServerPublish_Dropped_IsNotSent_IsCounted_AndThePublisherReturns(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);
        using var dropped = new MetricCollector<long>(Server.Services.GetRequiredService<IMeterFactory>(), "SignalRChannels", "signalrchannels.events.dropped");

        await Server.Broadcaster.PublishAsync(channel, "drop-me", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "skip", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        await client.AssertNextEventAsync(channel, "Marker");
        Assert.Equal(2, dropped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("drop-me", StringComparison.Ordinal) && e.Message.Contains("moderated", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ServerPublish_MiddlewareThrows_PublisherGetsEventFailed_AndOnlyThatEventIsLost(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        var ex = await Assert.ThrowsAsync<ChannelException>(() => Server.Broadcaster.PublishAsync(channel, "throw-me", null).DefaultTimeout());
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal(ChannelErrorCodes.EventFailed, ex.Code);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        await client.AssertNextEventAsync(channel, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task HubPublish_MiddlewareThrows_CallerGetsCodedEventFailedWithoutTheSecret(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        var ex = await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventFailed, () => client.PublishAsync(channel, "throw-me", null));

        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fixture.Logs.Entries, e => e.Message.Contains("throw-me", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Whisper_Enriched_ReachesOthersWithTheFieldAndTheSender(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("private-pipe");
        var (alice, bob) = await TwoSubscribersAsync(channel, protocol);

        await alice.WhisperAsync(channel, "enrich", new { text = "hi" });

        var received = await bob.AssertNextEventAsync(channel, "client-enrich");
        Assert.Equal("""{"text":"hi","serverId":"srv-1"}""", received.DataJson());
        Assert.Equal(Users.Alice.Id, received.From);
        Assert.Contains(fixture.Probe.Seen, s => s.Kind == ChannelEventKind.Whisper && s.Event == "client-enrich" && s.From == Users.Alice.Id);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Whisper_Dropped_SenderGetsEventDroppedWithTheReason_AndOthersGetNothing(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("private-pipe");
        var (alice, bob) = await TwoSubscribersAsync(channel, protocol);

        var ex = await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventDropped, () => alice.WhisperAsync(channel, "drop-me", null));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventFailed, () => alice.WhisperAsync(channel, "throw-me", null));
        await alice.WhisperAsync(channel, "marker", null);

        Assert.Contains("moderated", ex.Message, StringComparison.Ordinal);
        await bob.AssertNextEventAsync(channel, "client-marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceEvents_AreEnrichedByMiddleware(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-vip");
        var (_, bob) = await TwoSubscribersAsync(channel, protocol, subscribeAliceFirst: false);

        var joined = await bob.AssertNextEventAsync(channel, EventNames.MemberJoined);
        Assert.Equal($$"""{"id":"{{Users.Alice.Id}}","info":{"name":"Alice"},"badge":"gold"}""", joined.DataJson());
    }

    [Theory]
    [InlineData("drop", WireProtocol.Json)]
    [InlineData("rename", WireProtocol.MessagePack)]
    [InlineData("throw", WireProtocol.Json)]
    [InlineData("skip", WireProtocol.MessagePack)]
    public async Task PresenceEvents_AreNeverDroppedOrRenamed_WhateverTheMiddlewareDoes(string attempt, WireProtocol protocol)
    {
        var channel = TestChannels.Unique($"presence-hostile.{attempt}");
        var (alice, bob) = await TwoSubscribersAsync(channel, protocol, subscribeAliceFirst: false);

        var joined = await bob.AssertNextEventAsync(channel, EventNames.MemberJoined);
        await alice.UnsubscribeAsync(channel);
        var left = await bob.AssertNextEventAsync(channel, EventNames.MemberLeft);

        Assert.Equal($$"""{"id":"{{Users.Alice.Id}}","info":null}""", joined.DataJson());
        Assert.Contains("\"reason\":\"left\"", left.DataJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MiddlewareFromDI_IsCreatedOnce_ForManyPublishes()
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync();
        await client.SubscribeAsync(channel);

        for (var i = 0; i < 20; i++)
        {
            await Server.Broadcaster.PublishAsync(channel, "tick", new { i }).DefaultTimeout();
        }

        for (var i = 0; i < 20; i++)
        {
            await client.AssertNextEventAsync(channel, "tick");
        }

        Assert.Equal(1, fixture.Probe.Created);
    }

    private async Task<(ChannelsTestClient Alice, ChannelsTestClient Bob)> TwoSubscribersAsync(string channel, WireProtocol protocol, bool subscribeAliceFirst = true)
    {
        var alice = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bob = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        if (subscribeAliceFirst)
        {
            await alice.SubscribeAsync(channel);
            await bob.SubscribeAsync(channel);
        }
        else
        {
            await bob.SubscribeAsync(channel);
            await alice.SubscribeAsync(channel);
        }

        return (alice, bob);
    }
}
