using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Tests.Subscriptions;

/// <summary>A user holds at most <see cref="ChannelsOptions.MaxConnectionsPerUser"/> connections on a node.</summary>
public class ConnectionsPerUserTests
{
    [Fact]
    public async Task ConnectionPastTheUsersLimit_IsRefusedWithLimitExceeded_AndRegistersNothing()
    {
        await using var host = Host(maxPerUser: 2);
        host.Connect("a-1", "alice");
        host.Connect("a-2", "alice");

        var ex = Assert.Throws<HubException>(() => host.Connect("a-3", "alice"));

        Assert.StartsWith($"{ChannelErrorCodes.LimitExceeded}: ", ex.Message, StringComparison.Ordinal);
        Assert.False(host.Connections.TryGet("a-3", out _));
        Assert.Equal(2, host.Connections.OfUser("alice").Length);
    }

    [Fact]
    public async Task OtherUsersAndAnonymousConnections_AreNotCountedAgainstTheUser()
    {
        await using var host = Host(maxPerUser: 1);
        host.Connect("a-1", "alice");

        host.Connect("b-1", "bob");
        host.Connect("anon-1", userId: null);
        host.Connect("anon-2", userId: null);

        Assert.Equal(4, host.Connections.Count);
    }

    [Fact]
    public async Task AfterADisconnect_TheUserMayConnectAgain()
    {
        await using var host = Host(maxPerUser: 1);
        host.Connect("a-1", "alice");
        Assert.Throws<HubException>(() => host.Connect("a-2", "alice"));

        await host.Lifecycle.OnDisconnectedAsync("a-1");
        host.Connect("a-2", "alice");

        Assert.True(host.Connections.TryGet("a-2", out _));
    }

    [Fact]
    public async Task ConcurrentConnectsOfOneUser_NeverOvershootTheLimit()
    {
        await using var host = Host(maxPerUser: 5);

        var refused = 0;
        await Parallel.ForAsync(0, 200, (i, _) =>
        {
            try
            {
                host.Connect($"a-{i}", "alice");
            }
            catch (HubException)
            {
                Interlocked.Increment(ref refused);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(5, host.Connections.OfUser("alice").Length);
        Assert.Equal(195, refused);
    }

    private static EngineHost Host(int maxPerUser) => new(
        channels => channels.Configure(o => o.MaxConnectionsPerUser = maxPerUser));
}
