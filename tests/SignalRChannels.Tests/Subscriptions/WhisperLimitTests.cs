using System.Text.Json;
using System.Security.Claims;
using System.Threading.RateLimiting;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Tests.Subscriptions;

public sealed class WhisperLimitTests
{
    private static void Routes(ChannelsBuilder channels)
    {
        channels.Private("chat.{id}", (ClaimsPrincipal user) => true);
        channels.Private("quiet.{id}", (ClaimsPrincipal user) => true);
        channels.DisableWhispers("quiet.*");
        // A window of an hour: the limit is what is under test, not the clock.
        channels.Configure(o => o.WhisperWindow = TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Whisper_OverThePermitLimit_IsRateLimited_AndThePermittedOnesPass()
    {
        await using var host = new EngineHost(Routes);
        var alice = host.Connect("c-1", "alice");
        await host.Subscriptions.SubscribeAsync(alice, "private-chat.1", null, null);

        for (var i = 0; i < 10; i++)
        {
            await host.Whispers.WhisperAsync(alice, "private-chat.1", "typing", JsonSerializer.SerializeToElement(new { i }));
        }

        var ex = await Assert.ThrowsAsync<ChannelException>(() => host.Whispers.WhisperAsync(alice, "private-chat.1", "typing", null));
        Assert.Equal(ChannelErrorCodes.RateLimited, ex.Code);
    }

    [Fact]
    public async Task Whisper_LimitIsPerConnection()
    {
        await using var host = new EngineHost(Routes);
        var tab1 = host.Connect("c-1", "alice");
        var tab2 = host.Connect("c-2", "alice");
        await host.Subscriptions.SubscribeAsync(tab1, "private-chat.1", null, null);
        await host.Subscriptions.SubscribeAsync(tab2, "private-chat.1", null, null);
        for (var i = 0; i < 10; i++)
        {
            await host.Whispers.WhisperAsync(tab1, "private-chat.1", "typing", null);
        }

        await host.Whispers.WhisperAsync(tab2, "private-chat.1", "typing", null);
    }

    [Fact]
    public async Task Whisper_LimiterHasNoTimer()
    {
        // A timer per connection woke the thread pool every window for every connection, idle or not.
        await using var host = new EngineHost(Routes);
        host.Connect("c-1", "alice");

        Assert.False(host.Connections.Get("c-1").WhisperLimiter.IsAutoReplenishing);
    }

    [Fact]
    public void WhisperPermit_RenewsTheWindow_WhenAWholeWindowHasPassed()
    {
        // A window of one tick (100 ns): each call comes at least a window after the one before, so each renews the
        // permits. Without a timer, the renewal can only come from the call that asks for a permit.
        using var connection = new ConnectionChannels("c-1", "alice", "a-1", new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = 2,
            Window = TimeSpan.FromTicks(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        }));

        for (var i = 0; i < 30; i++)
        {
            using var lease = connection.AcquireWhisperPermit();
            Assert.True(lease.IsAcquired, $"permit {i}");
        }
    }

    [Theory]
    [InlineData("a b", "typing", 10, ChannelErrorCodes.InvalidChannel)]
    [InlineData("chat.1", "typing", 10, ChannelErrorCodes.WhisperDisabled)]
    [InlineData("private-chat.2", "typing", 10, ChannelErrorCodes.NotSubscribed)]
    [InlineData("private-quiet.1", "typing", 10, ChannelErrorCodes.WhisperDisabled)]
    [InlineData("private-chat.1", "bad event!", 10, ChannelErrorCodes.InvalidArgument)]
    [InlineData("private-chat.1", "typing", 20_000, ChannelErrorCodes.PayloadTooLarge)]
    public async Task Whisper_Refused_WithItsCode(string channel, string eventName, int payloadChars, string code)
    {
        await using var host = new EngineHost(Routes);
        var alice = host.Connect("c-1", "alice");
        await host.Subscriptions.SubscribeAsync(alice, "private-chat.1", null, null);
        await host.Subscriptions.SubscribeAsync(alice, "private-quiet.1", null, null);

        var ex = await Assert.ThrowsAsync<ChannelException>(() =>
            host.Whispers.WhisperAsync(alice, channel, eventName, new string('x', payloadChars)));

        Assert.Equal(code, ex.Code);
    }
}
