using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SignalRChannels.Presence;

namespace SignalRChannels.Tests.Subscriptions;

public sealed class SubscriptionEngineTests
{
    private static void Routes(ChannelsBuilder channels)
    {
        channels.Presence("room.{id}", (ClaimsPrincipal user) =>
            user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? new PresenceMember(id, new { name = id }) : null);
        channels.Private("orders.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
    }

    [Theory]
    [InlineData(PresenceFault.Join)]
    [InlineData(PresenceFault.MembersAfterJoin)]
    public async Task Subscribe_PresenceStoreFails_LeavesNoSubscriptionAndNoPresenceEntry(PresenceFault fault)
    {
        FaultyPresenceStore? store = null;
        await using var host = new EngineHost(Routes, services => services.AddSingleton<IPresenceStore>(sp =>
            store = new FaultyPresenceStore(ActivatorUtilities.CreateInstance<InMemoryPresenceStore>(sp), fault)));
        var alice = host.Connect("c-alice", "alice");

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Subscriptions.SubscribeAsync(alice, "presence-room.1", null, null));

        Assert.Empty(host.Connections.SubscriptionsOf("c-alice"));
        Assert.Empty(await store!.Inner.GetMembersAsync(ChannelName.Parse("presence-room.1"), default));
    }

    [Fact]
    public async Task Subscribe_AfterAFailedOne_Succeeds()
    {
        await using var host = new EngineHost(Routes, services => services.AddSingleton<IPresenceStore>(sp =>
            new FaultyPresenceStore(ActivatorUtilities.CreateInstance<InMemoryPresenceStore>(sp), PresenceFault.OnceOnJoin)));
        var alice = host.Connect("c-alice", "alice");
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Subscriptions.SubscribeAsync(alice, "presence-room.1", null, null));

        var result = await host.Subscriptions.SubscribeAsync(alice, "presence-room.1", null, null);

        Assert.Equal(["alice"], result.Members!.Select(m => m.Id));
        Assert.Equal(["presence-room.1"], host.Connections.SubscriptionsOf("c-alice").Select(c => c.Value));
    }

    [Fact]
    public async Task Subscribe_Denied_EndsTheSubscriptionTheConnectionHad()
    {
        await using var host = new EngineHost(Routes);
        var anonymous = host.Connect("c-anon", userId: null);

        var ex = await Assert.ThrowsAsync<ChannelException>(() => host.Subscriptions.SubscribeAsync(anonymous, "private-orders.1", null, null));

        Assert.Equal(ChannelErrorCodes.Forbidden, ex.Code);
        Assert.Empty(host.Connections.SubscriptionsOf("c-anon"));
    }

    [Fact]
    public async Task Disconnect_LeavesPresence_AndForgetsTheConnectionInTheUserIndex()
    {
        await using var host = new EngineHost(Routes);
        var tab1 = host.Connect("c-1", "alice");
        var tab2 = host.Connect("c-2", "alice");
        await host.Subscriptions.SubscribeAsync(tab1, "presence-room.1", null, null);
        await host.Subscriptions.SubscribeAsync(tab2, "presence-room.1", null, null);

        await host.Lifecycle.OnDisconnectedAsync("c-1");
        Assert.Equal(["c-2"], host.Connections.OfUser("alice").Select(c => c.ConnectionId));
        Assert.Single(await host.Presence.GetMembersAsync(ChannelName.Parse("presence-room.1"), default));

        await host.Lifecycle.OnDisconnectedAsync("c-2");
        Assert.Empty(host.Connections.OfUser("alice"));
        Assert.Empty(await host.Presence.GetMembersAsync(ChannelName.Parse("presence-room.1"), default));
    }

    [Fact]
    public async Task RemoveUser_EndsThatUsersMatchingSubscriptionsOnly()
    {
        await using var host = new EngineHost(Routes);
        var aliceTab1 = host.Connect("a-1", "alice");
        var aliceTab2 = host.Connect("a-2", "alice");
        var bob = host.Connect("b-1", "bob");
        foreach (var caller in new[] { aliceTab1, aliceTab2, bob })
        {
            await host.Subscriptions.SubscribeAsync(caller, "private-orders.1", null, null);
            await host.Subscriptions.SubscribeAsync(caller, "presence-room.1", null, null);
        }

        await host.Manager.RemoveUserAsync("alice", "private-orders.*");

        Assert.Equal(["presence-room.1"], host.Connections.SubscriptionsOf("a-1").Select(c => c.Value));
        Assert.Equal(["presence-room.1"], host.Connections.SubscriptionsOf("a-2").Select(c => c.Value));
        Assert.Equal(2, host.Connections.SubscriptionsOf("b-1").Count);
    }

    [Fact]
    public async Task RemoveUser_PresenceChannel_RemovesTheMemberOnceAllTheirTabsAreRevoked()
    {
        await using var host = new EngineHost(Routes);
        foreach (var (connection, user) in new[] { ("a-1", "alice"), ("a-2", "alice"), ("b-1", "bob") })
        {
            await host.Subscriptions.SubscribeAsync(host.Connect(connection, user), "presence-room.1", null, null);
        }

        await host.Manager.RemoveUserAsync("alice", "*");

        var members = await host.Presence.GetMembersAsync(ChannelName.Parse("presence-room.1"), default);
        Assert.Equal(["bob"], members.Select(m => m.Id));
    }

    [Fact]
    public async Task RemoveConnection_EndsOneTabOnly()
    {
        await using var host = new EngineHost(Routes);
        await host.Subscriptions.SubscribeAsync(host.Connect("a-1", "alice"), "private-orders.1", null, null);
        await host.Subscriptions.SubscribeAsync(host.Connect("a-2", "alice"), "private-orders.1", null, null);

        await host.Manager.RemoveConnectionAsync("a-1", "*");

        Assert.Empty(host.Connections.SubscriptionsOf("a-1"));
        Assert.Single(host.Connections.SubscriptionsOf("a-2"));
    }

    [Fact]
    public async Task Whisper_FromAnAnonymousSender_IsStampedWithAnAliasThatIsNotItsConnectionId()
    {
        var sent = new List<ChannelEvent>();
        await using var host = new EngineHost(channels => channels.Private("chat.{id}", (ClaimsPrincipal user) => true));
        var anonymous = host.Connect("the-secret-connection-id", userId: null);
        await host.Subscriptions.SubscribeAsync(anonymous, "private-chat.1", null, null);
        var alias = host.Connections.Get("the-secret-connection-id").Alias;

        await host.Whispers.WhisperAsync(anonymous, "private-chat.1", "typing", null);

        Assert.StartsWith("anon-", alias, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-connection-id", alias, StringComparison.Ordinal);
        Assert.Equal(alias, host.Connections.Get("the-secret-connection-id").Alias);
        Assert.NotEqual(alias, host.Connect("another", userId: null) is var other ? host.Connections.Get(other.ConnectionId).Alias : null);
    }

    public enum PresenceFault
    {
        Join,
        MembersAfterJoin,
        OnceOnJoin,
    }

    /// <summary>The in-memory store with one step that throws, as a store whose backend fails at that moment would.</summary>
    private sealed class FaultyPresenceStore(IPresenceStore inner, PresenceFault fault) : IPresenceStore
    {
        private int _joinFailures = fault == PresenceFault.OnceOnJoin ? 1 : int.MaxValue;

        public IPresenceStore Inner => inner;

        public string NodeId => inner.NodeId;

        public ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken) =>
            fault is PresenceFault.Join or PresenceFault.OnceOnJoin && Interlocked.Decrement(ref _joinFailures) >= 0
                ? throw new InvalidOperationException("the store is down")
                : inner.JoinAsync(channel, member, connectionId, cancellationToken);

        public ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken) =>
            inner.LeaveAsync(channel, memberId, connectionId, cancellationToken);

        public ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken) =>
            fault == PresenceFault.MembersAfterJoin
                ? throw new InvalidOperationException("the store is down")
                : inner.GetMembersAsync(channel, cancellationToken);

        public ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken) =>
            inner.GetMemberCountAsync(channel, cancellationToken);

        public ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken) => inner.HeartbeatAsync(cancellationToken);

        public ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken) => inner.SweepAsync(cancellationToken);
    }
}
