using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// A connection that goes silent without closing (its network path died) is detected by SignalR's client timeout,
/// and its presence is removed at once: the others see <c>member:left</c> with reason <c>disconnected</c>.
/// </summary>
public sealed class DeadConnectionTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ConnectionWhoseNetworkDies_IsDetected_AndItsMemberLeaves()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder =>
            {
                TestAuthenticationHandler.AddTo(builder);
                builder.Services.Configure<HubOptions>(o =>
                {
                    o.ClientTimeoutInterval = ClientTimeout;
                    o.KeepAliveInterval = TimeSpan.FromMilliseconds(300);
                });
            },
            ConfigureApp = TestAuthenticationHandler.UseIn,
            Channels = channels => channels.Presence("room.{id}", (System.Security.Claims.ClaimsPrincipal user) =>
                new PresenceMember(user.Identity!.Name!, new { name = user.Identity.Name })),
        });
        await using var proxy = new FreezableTcpProxy(server.BaseAddress);

        // SignalR arms a connection's client timeout at its first ping. The official clients ping on a timer from the
        // start, so on a machine starved of CPU for longer than the timeout a live connection could be timed out too.
        // These clients ping only when told: the watcher never, so it cannot be timed out.
        await using var watcher = await RawJsonHubClient.ConnectAsync(server.HubUrl, new TestUser("watcher", "watcher").Token);
        await using var doomed = await RawJsonHubClient.ConnectAsync(
            new Uri(proxy.Address, ChannelsTestServer.HubPath), new TestUser("doomed", "doomed").Token);
        await watcher.InvokeAsync("Subscribe", "presence-room.dead", null);
        await doomed.InvokeAsync("Subscribe", "presence-room.dead", null);
        var joined = await watcher.NextEventAsync();
        Assert.Equal("member:joined", joined.GetProperty("event").GetString());

        // The server handles a connection's messages in order: once the invocation sent after the ping has completed,
        // the doomed connection's timeout is armed, counting from that invocation. Then its network dies.
        await doomed.PingAsync();
        await doomed.InvokeAsync("Heartbeat", (object?)null);
        proxy.Freeze();
        var clock = Stopwatch.StartNew();
        var left = await watcher.NextEventAsync();

        Assert.Equal("member:left", left.GetProperty("event").GetString());
        Assert.Equal("doomed", left.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("disconnected", left.GetProperty("data").GetProperty("reason").GetString());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, ClientTimeout + TimeSpan.FromSeconds(6));
    }
}
