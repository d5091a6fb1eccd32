using System.Text;
using SignalRChannels.Webhooks.Internal;
using Xunit;

namespace SignalRChannels.Tests.Webhooks;

/// <summary>
/// The webhook signature against known vectors (RFC 4231 test case 2, and a Pusher-shaped body signed by
/// <c>openssl dgst -sha256 -hmac</c>), and the body's exact shape.
/// </summary>
public sealed class WebhookSignatureTests
{
    private const string PusherBody =
        """{"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"test_channel","id":"0190b8a3c1f07a4c9e3d2b1a09f8e7d6"}]}""";

    [Fact]
    public void Compute_Rfc4231Case2_IsTheKnownDigest() =>
        Assert.Equal(
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            WebhookSignature.Compute("Jefe", "what do ya want for nothing?"u8));

    [Fact]
    public void Compute_PusherShapedBody_MatchesOpenSsl() =>
        Assert.Equal(
            "1b2e48cd101bc8a9c44607b18fafd0183ef00f1dc4e9b1abce812f75828586b8",
            WebhookSignature.Compute("7ad3773142a6692b25b8", Encoding.UTF8.GetBytes(PusherBody)));

    [Theory]
    [InlineData("1b2e48cd101bc8a9c44607b18fafd0183ef00f1dc4e9b1abce812f75828586b8", true)]
    [InlineData("1B2E48CD101BC8A9C44607B18FAFD0183EF00F1DC4E9B1ABCE812F75828586B8", true)]
    [InlineData("1b2e48cd101bc8a9c44607b18fafd0183ef00f1dc4e9b1abce812f75828586b9", false)]
    [InlineData("1b2e48cd", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Verify_AcceptsOnlyTheBodysSignature(string? signature, bool valid) =>
        Assert.Equal(valid, WebhookSignature.Verify("7ad3773142a6692b25b8", Encoding.UTF8.GetBytes(PusherBody), signature));

    [Fact]
    public void Verify_OneChangedByteOfTheBody_Fails()
    {
        var tampered = Encoding.UTF8.GetBytes(PusherBody.Replace("test_channel", "test_channe1", StringComparison.Ordinal));
        Assert.False(WebhookSignature.Verify("7ad3773142a6692b25b8", tampered, "1b2e48cd101bc8a9c44607b18fafd0183ef00f1dc4e9b1abce812f75828586b8"));
    }

    [Fact]
    public void Serialize_WritesPushersShape_WithAnIdPerEvent()
    {
        WebhookEvent[] events =
        [
            new("0190b8a3c1f07a4c9e3d2b1a09f8e7d6", WebhookEvent.ChannelOccupied, "test_channel"),
            new("2", WebhookEvent.MemberAdded, "presence-room.1") { UserId = "alice" },
            new("3", WebhookEvent.ClientEvent, "presence-room.1") { Event = "client-typing", Data = """{"a":1}""", SocketId = "s1", UserId = "bób" },
        ];

        var body = Encoding.UTF8.GetString(WebhookEvent.Serialize(events, 1327078148132));

        Assert.Equal(
            """{"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"test_channel","id":"0190b8a3c1f07a4c9e3d2b1a09f8e7d6"},"""
            + """{"name":"member_added","channel":"presence-room.1","user_id":"alice","id":"2"},"""
            + """{"name":"client_event","channel":"presence-room.1","event":"client-typing","data":"{\"a\":1}","socket_id":"s1","user_id":"bób","id":"3"}]}""",
            body);
        Assert.Equal(PusherBody, Encoding.UTF8.GetString(WebhookEvent.Serialize(events[..1], 1327078148132)));
    }
}
