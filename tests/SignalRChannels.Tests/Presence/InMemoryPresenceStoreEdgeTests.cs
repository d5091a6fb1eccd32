using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Presence;

namespace SignalRChannels.Tests.Presence;

/// <summary>
/// Edges of the default presence store that mutation testing found unguarded: the lease boundary, cancellation,
/// the member-info limit, members without info, and the default options. Fake time, no waiting.
/// </summary>
public class InMemoryPresenceStoreEdgeTests
{
    private static readonly ChannelName s_room = ChannelName.Parse("presence-room.1");
    private static readonly TimeSpan s_memberTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryPresenceCluster _cluster = new();

    [Fact]
    public async Task ANodesMembers_ExpireOnlyOnceItsLeaseIsOlderThanTheMemberTimeout_AndOnce()
    {
        var dying = Node("dying");
        var sweeper = Node("sweeper");
        await dying.JoinAsync(s_room, new PresenceMember("alice"), "c1", CancellationToken.None);
        await dying.HeartbeatAsync(CancellationToken.None);

        _time.Advance(s_memberTimeout);
        await sweeper.HeartbeatAsync(CancellationToken.None);
        var atTheTimeout = await sweeper.SweepAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var pastIt = await sweeper.SweepAsync(CancellationToken.None);
        var again = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Empty(atTheTimeout);
        var expired = Assert.Single(pastIt);
        Assert.Equal("alice", expired.Member.Id);
        Assert.True(expired.ChannelVacated);
        Assert.Empty(again);
        Assert.Empty(await sweeper.GetMembersAsync(s_room, CancellationToken.None));
    }

    [Fact]
    public async Task EveryOperation_HonoursACancelledToken()
    {
        var store = Node("a");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.JoinAsync(s_room, new PresenceMember("alice"), "c1", token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.LeaveAsync(s_room, "alice", "c1", token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetMembersAsync(s_room, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetMemberCountAsync(s_room, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.HeartbeatAsync(token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SweepAsync(token).AsTask());
        Assert.Equal(0, await store.GetMemberCountAsync(s_room, CancellationToken.None));
    }

    [Fact]
    public async Task MemberInfo_OfExactlyTheLimit_IsAccepted_AndOneByteMore_IsRefused()
    {
        const int Limit = 64;
        var store = Node("a", Limit);
        var atLimit = new PresenceMember("alice", new string('x', Limit - 2)); // JSON adds the two quotes
        var overLimit = new PresenceMember("bob", new string('x', Limit - 1));

        await store.JoinAsync(s_room, atLimit, "c1", CancellationToken.None);
        var error = await Assert.ThrowsAsync<ChannelException>(() => store.JoinAsync(s_room, overLimit, "c2", CancellationToken.None).AsTask());

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, error.Code);
        Assert.Equal(["alice"], (await store.GetMembersAsync(s_room, CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task MemberWithoutInfo_Joins()
    {
        var store = Node("a");

        var joined = await store.JoinAsync(s_room, new PresenceMember("alice"), "c1", CancellationToken.None);

        Assert.True(joined.MemberJoined);
        Assert.Equal("alice", Assert.Single(await store.GetMembersAsync(s_room, CancellationToken.None)).Id);
    }

    [Fact]
    public void DefaultOptions_AreValid_WithANodeIdOfTheirOwn()
    {
        var first = new PresenceOptions();
        var second = new PresenceOptions();

        Assert.Same(first, PresenceOptionsValidator.ThrowIfInvalid(first));
        Assert.NotEqual(first.NodeId, second.NodeId);
    }

    [Fact]
    public void NodeId_OfTheMaximumLength_IsValid_AndOneCharacterMore_IsNot()
    {
        const int MaxNodeIdLength = 128; // documented on PresenceOptions.NodeId
        var longest = new PresenceOptions { NodeId = new string('n', MaxNodeIdLength) };
        var tooLong = new PresenceOptions { NodeId = new string('n', MaxNodeIdLength + 1) };

        PresenceOptionsValidator.ThrowIfInvalid(longest);
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => PresenceOptionsValidator.ThrowIfInvalid(tooLong));
    }

    private InMemoryPresenceStore Node(string nodeId, int maxMemberInfoBytes = 1024) =>
        new(
            new PresenceOptions
            {
                NodeId = nodeId,
                HeartbeatInterval = TimeSpan.FromSeconds(1),
                MemberTimeout = s_memberTimeout,
                MaxMemberInfoBytes = maxMemberInfoBytes,
            },
            _time,
            _cluster);
}
