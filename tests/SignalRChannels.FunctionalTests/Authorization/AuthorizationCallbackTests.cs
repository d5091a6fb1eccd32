using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>Route callbacks that throw, or run long: denied or abandoned, never leaking, never left running.</summary>
public class AuthorizationCallbackTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task CallbackThatThrows_IsForbidden_WithTheExceptionInTheServerLogOnly(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("private-boom");
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);

        var error = await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => client.SubscribeAsync(channel));

        Assert.Equal($"forbidden: subscription to '{channel}' denied", error.Message[(error.Message.IndexOf("HubException: ", StringComparison.Ordinal) + "HubException: ".Length)..]);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), error.Message, StringComparison.Ordinal);
        var logged = Assert.Single(fixture.Logs.Entries, e => e.Exception is not null && e.Message.Contains(channel, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, logged.Level);
        var exception = Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Equal(AuthorizationTestApp.CallbackSecret, exception.Message);
        Assert.Contains("boom.{id}", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallbackThatThrows_LeavesTheConnectionWorking()
    {
        await using var client = await fixture.Server.ConnectAsync(accessToken: Users.Alice.Token);
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => client.SubscribeAsync("private-boom.again"));

        await client.SubscribeAsync("private-users.7");
        await fixture.Server.Broadcaster.PublishAsync("private-users.7", "StillWorks", null).DefaultTimeout();

        await client.AssertNextEventAsync("private-users.7", "StillWorks");
    }

    [Fact]
    public async Task Denial_IsLoggedOnce_AtDebug_WithTheReasonTheClientNeverSees()
    {
        var channel = "private-users.8";
        await using var client = await fixture.Server.ConnectAsync(accessToken: Users.Alice.Token);

        var error = await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => client.SubscribeAsync(channel));

        Assert.DoesNotContain("callback", error.Message, StringComparison.OrdinalIgnoreCase);
        // Client-driven volume: one entry per denial, at Debug, with the reason; nothing at Information or above.
        var entries = fixture.Logs.Entries.Where(e => e.Message.Contains(client.ConnectionId, StringComparison.Ordinal)).ToArray();
        var denial = Assert.Single(entries, e => e.Message.Contains(channel, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, denial.Level);
        Assert.Contains("callback denied", denial.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task SlowCallback_GetsItsTokenCancelled_WhenTheClientLeaves(WireProtocol protocol)
    {
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Service<SlowCallbacks>().For(id);
        var client = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var connectionId = client.ConnectionId;
        var subscribe = client.Connection.InvokeCoreAsync<ReceivedSubscribeResult>("Subscribe", [$"private-slow.{id}", null]);
        await call.Entered.Task.DefaultTimeout();
        Assert.False(call.Cancelled.Task.IsCompleted);

        await client.DisposeAsync();

        await call.Cancelled.Task.DefaultTimeout();
        await Assert.ThrowsAnyAsync<Exception>(() => subscribe.DefaultTimeout());
        call.Release(allow: true);
        await Poll.UntilAsync(
            () => fixture.Subscriptions.SubscriptionsOf(connectionId).Count == 0,
            "the abandoned subscribe left nothing behind");
    }

    [Fact]
    public async Task SlowCallback_ThatAllowsInTime_Subscribes()
    {
        var id = Guid.NewGuid().ToString("N");
        var call = fixture.Service<SlowCallbacks>().For(id);
        await using var client = await fixture.Server.ConnectAsync(accessToken: Users.Alice.Token);
        var subscribe = client.SubscribeAsync($"private-slow.{id}");
        await call.Entered.Task.DefaultTimeout();

        call.Release(allow: true);

        await subscribe;
        await fixture.Server.Broadcaster.PublishAsync($"private-slow.{id}", "Allowed", null).DefaultTimeout();
        await client.AssertNextEventAsync($"private-slow.{id}", "Allowed");
        Assert.False(call.Cancelled.Task.IsCompleted);
    }
}

/// <summary>Callbacks slower than a small <see cref="ChannelsOptions.AuthorizationTimeout"/>.</summary>
public class AuthorizationTimeoutTests(AuthorizationTimeoutTests.Fixture fixture) : IClassFixture<AuthorizationTimeoutTests.Fixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task CallbackSlowerThanAuthorizationTimeout_FailsUnavailable_AndCancelsTheCallback(WireProtocol protocol)
    {
        var id = Guid.NewGuid().ToString("N");
        var channel = $"private-slow.{id}";
        var marker = TestChannels.Unique("marker");
        var call = fixture.Service<SlowCallbacks>().For(id);
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await client.SubscribeAsync(marker);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Unavailable, () => client.SubscribeAsync(channel));

        Assert.True(call.Entered.Task.IsCompleted);
        await call.Cancelled.Task.DefaultTimeout();
        // An answer after the deadline changes nothing.
        call.Release(allow: true);
        Assert.False(fixture.IsSubscribed(client, channel));
        await fixture.Server.Broadcaster.PublishAsync(channel, "Leak", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await client.AssertNextEventAsync(marker, "Marker");
        Assert.Contains(fixture.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(channel, StringComparison.Ordinal));
    }

    public sealed class Fixture : AuthorizationFixture
    {
        protected override ChannelsTestServerOptions Options =>
            AuthorizationTestApp.Options(Logs, o => o.AuthorizationTimeout = TimeSpan.FromMilliseconds(200));
    }
}
