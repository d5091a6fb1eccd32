using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

public sealed class PusherSignaturesTests
{
    // The worked example of Pusher's channel authorization documentation.
    private static readonly PusherApp DocsApp = new() { Id = "1", Key = "278d425bdf160c739803", Secret = "7ad3773142a6692b25b8" };

    [Fact]
    public void ChannelAuth_PrivateChannel_MatchesPushersDocumentedExample() =>
        Assert.Equal(
            "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
            PusherSignatures.ChannelAuth(DocsApp, "1234.1234", "private-foobar", channelData: null));

    [Fact]
    public void VerifyChannelAuth_SignatureOverOtherChannelData_IsRefused()
    {
        const string channelData = """{"user_id":"10","user_info":{"name":"A"}}""";
        var auth = PusherSignatures.ChannelAuth(DocsApp, "1.2", "presence-room", channelData);

        Assert.True(PusherSignatures.VerifyChannelAuth(DocsApp, "1.2", "presence-room", channelData, auth));
        Assert.False(PusherSignatures.VerifyChannelAuth(DocsApp, "1.2", "presence-room", channelData.Replace("{", "{ ", StringComparison.Ordinal), auth));
        Assert.False(PusherSignatures.VerifyChannelAuth(DocsApp, "1.3", "presence-room", channelData, auth));
        Assert.False(PusherSignatures.VerifyChannelAuth(DocsApp, "1.2", "presence-other", channelData, auth));
        Assert.False(PusherSignatures.VerifyChannelAuth(DocsApp, "1.2", "presence-room", channelData, auth: null));
    }

    [Fact]
    public void VerifyChannelAuth_SignatureOfAnotherKey_IsRefused()
    {
        var other = new PusherApp { Id = "2", Key = "other", Secret = DocsApp.Secret };
        var auth = PusherSignatures.ChannelAuth(other, "1.2", "private-x", channelData: null);

        Assert.False(PusherSignatures.VerifyChannelAuth(DocsApp, "1.2", "private-x", channelData: null, auth));
    }
}
