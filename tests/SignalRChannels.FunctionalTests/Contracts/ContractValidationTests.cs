using System.Security.Claims;
using Microsoft.Extensions.Logging;
using SignalRChannels.FunctionalTests.Authorization;

namespace SignalRChannels.FunctionalTests.Contracts;

[Channel("private-deal.{id}")]
[Broadcasts(typeof(DealClosed))]
[Whispers(typeof(Cursor))]
public sealed record DealChannel(string Id) : TypedChannel;

public sealed record DealClosed(long DealId, string Title, string? Note);

public sealed record Cursor(int X, int Y);

public sealed class ContractValidationFixture : ChannelsServerFixture
{
    public TestLoggerProvider Logs { get; } = new();

    protected override ChannelsTestServerOptions Options => new()
    {
        ConfigureBuilder = builder =>
        {
            builder.Logging.AddProvider(Logs);
            TestAuthenticationHandler.AddTo(builder);
        },
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels =>
        {
            channels.Private("deal.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            channels.Private("other.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            channels.AddChannelContracts(typeof(DealChannel).Assembly, validatePayloads: true);
        },
    };
}

/// <summary>
/// <c>AddChannelContracts(..., validatePayloads: true)</c> on real Kestrel, both hub protocols: events published to a
/// typed channel must be declared and read strictly as their declared type; mismatches are refused with a coded error
/// and logged with the reason; the subscriber gets only what matched.
/// </summary>
public sealed class ContractValidationTests(ContractValidationFixture fixture) : IClassFixture<ContractValidationFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    [Fact]
    public void TypedChannel_FormatsItsNameFromTheTemplate()
    {
        var channel = new DealChannel("a-1");

        Assert.Equal("private-deal.a-1", channel.Name);
        Assert.Equal("private-deal.a-1", channel.ToString());
        string converted = channel;
        Assert.Equal("private-deal.a-1", converted);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ADeclaredEvent_WithAMatchingPayload_IsDelivered(WireProtocol protocol)
    {
        var channel = new DealChannel(Guid.NewGuid().ToString("N"));
        var client = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, nameof(DealClosed), new DealClosed(7, "Roof", Note: null)).DefaultTimeout();

        Assert.Equal("""{"dealId":7,"title":"Roof","note":null}""", (await client.AssertNextEventAsync(channel, nameof(DealClosed))).DataJson());
    }

    [Theory]
    [InlineData("DealClosed", """{"dealId":"seven","title":"Roof","note":null}""", "does not match DealClosed")]
    [InlineData("DealClosed", """{"dealId":7,"note":null}""", "does not match DealClosed")]
    [InlineData("DealClosed", """{"dealId":7,"title":null,"note":null}""", "does not match DealClosed")]
    [InlineData("DealClosed", """{"dealId":7,"title":"Roof","note":null,"extra":1}""", "does not match DealClosed")]
    [InlineData("DealOpened", """{"dealId":7}""", "'DealOpened' is not declared by the typed channel DealChannel")]
    public async Task AMismatch_IsRefusedWithACodedError_LoggedWithTheReason_AndNotDelivered(string eventName, string json, string reason)
    {
        var channel = new DealChannel(Guid.NewGuid().ToString("N"));
        var client = await Server.ConnectAsync(accessToken: Users.Alice.Token);
        await client.SubscribeAsync(channel);

        var ex = await Assert.ThrowsAsync<ChannelException>(() => Server.Broadcaster.PublishAsync(channel, eventName, System.Text.Json.JsonDocument.Parse(json).RootElement).DefaultTimeout());
        await Server.Broadcaster.PublishAsync(channel, nameof(DealClosed), new DealClosed(8, "Marker", "after")).DefaultTimeout();

        Assert.Equal(ChannelErrorCodes.EventFailed, ex.Code);
        Assert.Contains(fixture.Logs.Entries, e => e.Exception?.Message.Contains(reason, StringComparison.Ordinal) == true || e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.Equal("""{"dealId":8,"title":"Marker","note":"after"}""", (await client.AssertNextEventAsync(channel, nameof(DealClosed))).DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task AMismatchingWhisper_IsDroppedWithTheReason_AndAMatchingOneArrives(WireProtocol protocol)
    {
        var channel = new DealChannel(Guid.NewGuid().ToString("N"));
        var alice = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bob = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(channel);

        var ex = await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventDropped, () => alice.WhisperAsync(channel, "cursor", new { x = "left" }));
        await alice.WhisperAsync(channel, "cursor", new { x = 1, y = 2 });

        Assert.Contains("does not match Cursor", ex.Message, StringComparison.Ordinal);
        Assert.Equal("""{"x":1,"y":2}""", (await bob.AssertNextEventAsync(channel, "client-cursor")).DataJson());
    }

    [Fact]
    public async Task ChannelsNoContractCovers_AreNotValidated()
    {
        var channel = "private-other." + Guid.NewGuid().ToString("N");
        var client = await Server.ConnectAsync(accessToken: Users.Alice.Token);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, "Anything", new { free = "form" }).DefaultTimeout();

        Assert.Equal("""{"free":"form"}""", (await client.AssertNextEventAsync(channel, "Anything")).DataJson());
    }
}
