namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>Client events as delivered: to the other subscribers only, as <c>client-&lt;event&gt;</c>, from whom the server says.</summary>
public class WhisperTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Whisper_ReachesTheOtherSubscribersAsClientEvent_AndIsNotEchoedToTheSender(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("private-typing");
        var marker = TestChannels.Unique("marker");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await using var ada = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Admin.Token);
        await alice.SubscribeManyAsync([channel, marker]);
        await bob.SubscribeAsync(channel);
        await ada.SubscribeAsync(channel);

        await alice.WhisperAsync(channel, "typing", new { text = "hi" });

        foreach (var other in new[] { bob, ada })
        {
            var received = await other.AssertNextEventAsync(channel, "client-typing");
            Assert.Equal("""{"text":"hi"}""", received.DataJson());
            Assert.Equal(Users.Alice.Id, received.From);
        }

        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await alice.AssertNextEventAsync(marker, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Whisper_WithFromInItsData_IsStampedWithTheSendersUserId(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("private-typing");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(channel);

        await alice.WhisperAsync(channel, "typing", new { from = Users.Admin.Id, text = "I am the admin" });

        var received = await bob.AssertNextEventAsync(channel, "client-typing");
        Assert.Equal(Users.Alice.Id, received.From);
        Assert.Equal("""{"from":"1","text":"I am the admin"}""", received.DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task WhisperOnPresence_WithFromInItsData_IsStampedWithTheSendersMemberId(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await bob.SubscribeAsync(channel);
        await alice.SubscribeAsync(channel);
        await bob.AssertNextEventAsync(channel, "member:joined");

        await alice.WhisperAsync(channel, "wave", new { from = AuthorizationTestApp.MemberIdOf(Users.Bob) });

        var received = await bob.AssertNextEventAsync(channel, "client-wave");
        Assert.Equal(AuthorizationTestApp.MemberIdOf(Users.Alice), received.From);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Whisper_OfExactlyTheSizeLimit_IsDelivered_AndOneByteMoreIsNot(WireProtocol protocol)
    {
        const int Limit = 10 * 1024;
        var channel = TestChannels.Unique("private-typing");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(channel);

        // As JSON a string is its characters plus two quotes.
        await alice.WhisperAsync(channel, "fits", new string('x', Limit - 2));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.PayloadTooLarge, () => alice.WhisperAsync(channel, "over", new string('x', Limit - 1)));

        Assert.Equal(Limit, (await bob.AssertNextEventAsync(channel, "client-fits")).DataJson().Length);
        await fixture.Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();
        await bob.AssertNextEventAsync(channel, "Marker");
    }

    [Fact]
    public async Task Whisper_EventNamedLikeAReservedEvent_ArrivesUnderClientPrefix()
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var alice = await fixture.Server.ConnectAsync(accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(accessToken: Users.Bob.Token);
        await bob.SubscribeAsync(channel);
        await alice.SubscribeAsync(channel);
        await bob.AssertNextEventAsync(channel, "member:joined");

        // A client cannot fake a presence event: whatever it names, it arrives as client-<name>.
        await alice.WhisperAsync(channel, "member:left", new { id = "member-8", reason = "left" });

        var received = await bob.AssertNextEventAsync(channel, "client-member:left");
        Assert.Equal(AuthorizationTestApp.MemberIdOf(Users.Alice), received.From);
    }
}
