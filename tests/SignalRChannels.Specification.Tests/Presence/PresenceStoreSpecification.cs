using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace SignalRChannels.Specification.Tests.Presence;

/// <summary>
/// The contract of <see cref="IPresenceStore"/>: every implementation inherits these tests. All nodes a test
/// creates share one cluster and one <see cref="FakeTimeProvider"/>; a node "dies" by no longer heartbeating.
/// </summary>
public abstract class PresenceStoreSpecification(ITestOutputHelper output)
{
    protected static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    protected static readonly ChannelName Chat = ChannelName.Parse("presence-chat.1");
    protected static readonly ChannelName Lobby = ChannelName.Parse("presence-lobby");

    protected ITestOutputHelper Output { get; } = output;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A store acting as node <paramref name="nodeId"/> of this test's cluster.</summary>
    protected abstract Task<IPresenceStore> CreateNodeAsync(string nodeId, int maxMemberInfoBytes = 1024);

    protected static PresenceOptions NodeOptions(string nodeId, int maxMemberInfoBytes = 1024) => new()
    {
        NodeId = nodeId,
        MemberTimeout = MemberTimeout,
        HeartbeatInterval = HeartbeatInterval,
        MaxMemberInfoBytes = maxMemberInfoBytes,
    };

    protected static PresenceMember Member(string id) => new(id, new { name = "User " + id });

    [Fact]
    public async Task Join_FirstConnection_ReportsMemberJoinedAndChannelOccupied()
    {
        var node = await CreateNodeAsync("a");

        var result = await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        Assert.Equal(new PresenceJoinResult(MemberJoined: true, ChannelOccupied: true), result);
        Assert.Equal(1, await node.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Join_SecondMember_ReportsJoinedButNotOccupied()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        var result = await node.JoinAsync(Chat, Member("u2"), "c2", default).DefaultTimeout();

        Assert.Equal(new PresenceJoinResult(MemberJoined: true, ChannelOccupied: false), result);
    }

    [Fact]
    public async Task Join_ThreeConnectionsOfOneMemberOnTwoNodes_ReportOneJoinAndOneLeave()
    {
        var a = await CreateNodeAsync("a");
        var b = await CreateNodeAsync("b");

        var joins = new[]
        {
            await a.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout(),
            await b.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout(),
            await a.JoinAsync(Chat, Member("u1"), "c3", default).DefaultTimeout(),
        };
        var leaves = new[]
        {
            await a.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout(),
            await b.LeaveAsync(Chat, "u1", "c2", default).DefaultTimeout(),
            await a.LeaveAsync(Chat, "u1", "c3", default).DefaultTimeout(),
        };

        Assert.Equal([true, false, false], joins.Select(j => j.MemberJoined));
        Assert.Equal([null, null, "u1"], leaves.Select(l => l.MemberLeft?.Id));
        Assert.Equal([false, false, true], leaves.Select(l => l.ChannelVacated));
    }

    [Fact]
    public async Task Join_SameConnectionTwice_ChangesNothing()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        var again = await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        var leave = await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();

        Assert.Equal(new PresenceJoinResult(false, false), again);
        Assert.Equal("u1", leave.MemberLeft?.Id);
    }

    [Fact]
    public async Task Leave_LastMember_ReturnsItsInfoAndVacatesTheChannel()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, new PresenceMember("u1", new { name = "Ann", tags = new[] { "x" } }), "c1", default).DefaultTimeout();
        await node.JoinAsync(Chat, Member("u2"), "c2", default).DefaultTimeout();

        var first = await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();
        var last = await node.LeaveAsync(Chat, "u2", "c2", default).DefaultTimeout();

        Assert.Equal("u1", first.MemberLeft?.Id);
        Assert.Equal("""{"name":"Ann","tags":["x"]}""", first.MemberLeft?.Info.GetRawText());
        Assert.False(first.ChannelVacated);
        Assert.Equal("u2", last.MemberLeft?.Id);
        Assert.True(last.ChannelVacated);
        Assert.Empty(await node.GetMembersAsync(Chat, default).DefaultTimeout());
        Assert.Equal(0, await node.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Leave_UnknownOrAlreadyLeftConnection_IsIgnored()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        await node.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout();

        var unknown = await node.LeaveAsync(Chat, "u1", "nope", default).DefaultTimeout();
        var otherChannel = await node.LeaveAsync(Lobby, "u1", "c1", default).DefaultTimeout();
        await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();
        var twice = await node.LeaveAsync(Chat, "u1", "c1", default).DefaultTimeout();

        Assert.Equal(new PresenceLeaveResult(null, false), unknown);
        Assert.Equal(new PresenceLeaveResult(null, false), otherChannel);
        Assert.Equal(new PresenceLeaveResult(null, false), twice);
        Assert.Equal(["u1"], (await node.GetMembersAsync(Chat, default).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task GetMembers_ListsEachMemberOnceWithItsFirstInfo_AcrossNodes()
    {
        var a = await CreateNodeAsync("a");
        var b = await CreateNodeAsync("b");
        await a.JoinAsync(Chat, new PresenceMember("u1", new { name = "first" }), "c1", default).DefaultTimeout();
        await b.JoinAsync(Chat, new PresenceMember("u1", new { name = "second" }), "c2", default).DefaultTimeout();
        await b.JoinAsync(Chat, Member("u2"), "c3", default).DefaultTimeout();
        await a.JoinAsync(Lobby, Member("u3"), "c1", default).DefaultTimeout();

        var members = await b.GetMembersAsync(Chat, default).DefaultTimeout();

        Assert.Equal(["u1", "u2"], members.Select(m => m.Id).Order());
        Assert.Equal("first", members.Single(m => m.Id == "u1").Info.GetProperty("name").GetString());
        Assert.Equal(2, await a.GetMemberCountAsync(Chat, default).DefaultTimeout());
        Assert.Equal(["u3"], (await b.GetMembersAsync(Lobby, default).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task GetMembers_UnknownChannel_IsEmpty()
    {
        var node = await CreateNodeAsync("a");

        Assert.Empty(await node.GetMembersAsync(Chat, default).DefaultTimeout());
        Assert.Equal(0, await node.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Join_InfoOverTheLimit_FailsWithPayloadTooLargeAndAddsNothing()
    {
        var node = await CreateNodeAsync("a", maxMemberInfoBytes: 64);

        var error = await Assert.ThrowsAsync<ChannelException>(
            () => node.JoinAsync(Chat, new PresenceMember("u1", new { name = new string('x', 100) }), "c1", default).DefaultTimeout());

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, error.Code);
        Assert.Equal(0, await node.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Join_MemberWithoutInfo_IsListedWithNullInfo()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, new PresenceMember("u1"), "c1", default).DefaultTimeout();

        var member = Assert.Single(await node.GetMembersAsync(Chat, default).DefaultTimeout());

        Assert.Equal(JsonValueKind.Null, member.Info.ValueKind);
    }

    [Fact]
    public async Task Heartbeat_KeepsANodesMembersPastTheTimeout()
    {
        var a = await CreateNodeAsync("a");
        var b = await CreateNodeAsync("b");
        await a.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        for (var elapsed = TimeSpan.Zero; elapsed < MemberTimeout * 3; elapsed += HeartbeatInterval)
        {
            Time.Advance(HeartbeatInterval);
            await a.HeartbeatAsync(default).DefaultTimeout();
            await b.HeartbeatAsync(default).DefaultTimeout();
            Assert.Empty(await b.SweepAsync(default).DefaultTimeout());
        }

        Assert.Equal(["u1"], (await b.GetMembersAsync(Chat, default).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task Heartbeat_ReportsTheLeaseHeld_WhileNothingTookIt()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        var first = await node.HeartbeatAsync(default).DefaultTimeout();
        await node.JoinAsync(Lobby, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(HeartbeatInterval);
        var second = await node.HeartbeatAsync(default).DefaultTimeout();

        Assert.True(first);
        Assert.True(second);
    }

    [Fact]
    public async Task Heartbeat_ReportsTheLeaseLost_AfterAnotherNodeSweptIt_EvenWhenAJoinStartedANewOne()
    {
        var stalled = await CreateNodeAsync("stalled");
        var sweeper = await CreateNodeAsync("sweeper");
        await stalled.HeartbeatAsync(default).DefaultTimeout();
        await stalled.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        Time.Advance(MemberTimeout + HeartbeatInterval);
        await sweeper.HeartbeatAsync(default).DefaultTimeout();
        Assert.Single(await sweeper.SweepAsync(default).DefaultTimeout());

        // A join before the stalled node's next heartbeat starts a lease again; the heartbeat must still tell.
        await stalled.JoinAsync(Lobby, Member("u2"), "c2", default).DefaultTimeout();
        var lost = await stalled.HeartbeatAsync(default).DefaultTimeout();
        Time.Advance(HeartbeatInterval);
        var heldAgain = await stalled.HeartbeatAsync(default).DefaultTimeout();

        Assert.False(lost);
        Assert.True(heldAgain);
    }

    [Fact]
    public async Task Sweep_NodeThatStoppedHeartbeating_ExpiresEachOfItsMembersOnceAfterTheTimeout()
    {
        var dead = await CreateNodeAsync("dead");
        var live = await CreateNodeAsync("live");
        await dead.HeartbeatAsync(default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("u2"), "c3", default).DefaultTimeout();
        await dead.JoinAsync(Lobby, new PresenceMember("u3", new { name = "Cy" }), "c1", default).DefaultTimeout();

        Time.Advance(MemberTimeout - TimeSpan.FromMilliseconds(1));
        await live.HeartbeatAsync(default).DefaultTimeout();
        var early = await live.SweepAsync(default).DefaultTimeout();
        Time.Advance(TimeSpan.FromMilliseconds(2));
        var expired = await live.SweepAsync(default).DefaultTimeout();
        var again = await live.SweepAsync(default).DefaultTimeout();

        Assert.Empty(early);
        Assert.Equal(
            ["presence-chat.1/u1", "presence-chat.1/u2", "presence-lobby/u3"],
            expired.Select(e => $"{e.Channel}/{e.Member.Id}").Order());
        Assert.Equal(1, expired.Count(e => e.Channel == Chat && e.ChannelVacated));
        Assert.True(expired.Single(e => e.Channel == Lobby).ChannelVacated);
        Assert.Equal("Cy", expired.Single(e => e.Member.Id == "u3").Member.Info.GetProperty("name").GetString());
        Assert.Empty(again);
        Assert.Equal(0, await live.GetMemberCountAsync(Chat, default).DefaultTimeout());
        Assert.Empty(await live.GetMembersAsync(Lobby, default).DefaultTimeout());
    }

    [Fact]
    public async Task Sweep_NodeThatDiedBeforeItsFirstHeartbeat_IsExpired()
    {
        var dead = await CreateNodeAsync("dead");
        var live = await CreateNodeAsync("live");
        await dead.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        var expired = await live.SweepAsync(default).DefaultTimeout();

        Assert.Equal(["u1"], expired.Select(e => e.Member.Id));
    }

    [Fact]
    public async Task Sweep_NeverExpiresTheSweepingNodeItself()
    {
        var node = await CreateNodeAsync("a");
        await node.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();

        Time.Advance(MemberTimeout * 2);

        Assert.Empty(await node.SweepAsync(default).DefaultTimeout());
        Assert.Equal(1, await node.GetMemberCountAsync(Chat, default).DefaultTimeout());
    }

    [Fact]
    public async Task Sweep_MemberAlsoConnectedThroughALiveNode_DoesNotLeave()
    {
        var dead = await CreateNodeAsync("dead");
        var live = await CreateNodeAsync("live");
        await dead.JoinAsync(Chat, Member("u1"), "c1", default).DefaultTimeout();
        await live.JoinAsync(Chat, Member("u1"), "c2", default).DefaultTimeout();
        await dead.JoinAsync(Chat, Member("u2"), "c3", default).DefaultTimeout();

        Time.Advance(MemberTimeout + HeartbeatInterval);
        await live.HeartbeatAsync(default).DefaultTimeout();
        var expired = await live.SweepAsync(default).DefaultTimeout();
        var lastLeave = await live.LeaveAsync(Chat, "u1", "c2", default).DefaultTimeout();

        var expiry = Assert.Single(expired);
        Assert.Equal("u2", expiry.Member.Id);
        Assert.False(expiry.ChannelVacated);
        Assert.Equal("u1", lastLeave.MemberLeft?.Id);
        Assert.True(lastLeave.ChannelVacated);
    }

    [Fact]
    public async Task Sweep_TwoNodesSweepingConcurrently_ReportEachMemberExactlyOnce()
    {
        const int deadNodes = 12, membersPerNode = 50;
        var channels = new[] { Chat, Lobby, ChannelName.Parse("presence-room=3;x@y,z_-.") };
        var expected = new List<string>();
        for (var n = 0; n < deadNodes; n++)
        {
            var node = await CreateNodeAsync($"dead{n}");
            for (var m = 0; m < membersPerNode; m++)
            {
                var channel = channels[m % channels.Length];
                var memberId = $"n{n}m{m}";
                await node.JoinAsync(channel, Member(memberId), $"c{n}-{m}a", default).DefaultTimeout();
                await node.JoinAsync(channel, Member(memberId), $"c{n}-{m}b", default).DefaultTimeout();
                expected.Add($"{channel}/{memberId}");
            }
        }

        var sweepers = new[] { await CreateNodeAsync("s1"), await CreateNodeAsync("s2"), await CreateNodeAsync("s3") };
        Time.Advance(MemberTimeout + HeartbeatInterval);
        foreach (var sweeper in sweepers)
        {
            await sweeper.HeartbeatAsync(default).DefaultTimeout();
        }

        // Released together, so the sweepers list the same dead nodes and race to claim each of them.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sweeps = sweepers.Select(s => Task.Run(async () =>
        {
            await start.Task;
            return await s.SweepAsync(default);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(sweeps).DefaultTimeout();
        var reported = results.SelectMany(r => r).ToList();

        Assert.Equal(expected.Order(), reported.Select(e => $"{e.Channel}/{e.Member.Id}").Order());
        Assert.Equal(channels.Select(c => c.Value).Order(), reported.Where(e => e.ChannelVacated).Select(e => e.Channel.Value).Order());
        Output.WriteLine($"Sweep results per sweeper: {string.Join(", ", results.Select(r => r.Count))}");
    }

    [Fact]
    public async Task GetMembers_TenThousandMembers_IsFast()
    {
        const int count = 10_000;
        var a = await CreateNodeAsync("a");
        var b = await CreateNodeAsync("b");
        var joinClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            (i % 2 == 0 ? a : b).JoinAsync(Chat, new PresenceMember($"user-{i}", new { name = $"User {i}", avatar = $"https://example.com/a/{i}.png" }), $"conn-{i}", default).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(60));
        joinClock.Stop();

        var timings = new List<double>();
        IReadOnlyList<PresenceMember> members = [];
        for (var run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            members = await a.GetMembersAsync(Chat, default).DefaultTimeout();
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        var joinLatencies = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var clock = Stopwatch.StartNew();
            await a.JoinAsync(Chat, Member($"late-{i}"), $"late-conn-{i}", default).DefaultTimeout();
            joinLatencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        joinLatencies.Sort();
        var p50 = joinLatencies[joinLatencies.Count / 2];
        var p90 = joinLatencies[(int)(joinLatencies.Count * 0.9)];
        var p99 = joinLatencies[(int)(joinLatencies.Count * 0.99)];
        Output.WriteLine($"{GetType().Name}: {count} joins (concurrent) in {joinClock.Elapsed.TotalMilliseconds:F0} ms; "
            + $"GetMembers runs: {string.Join(" / ", timings.Select(t => $"{t:F1} ms"))}; "
            + $"sequential join into the full channel: p50 {p50:F2} ms, p90 {p90:F2} ms, p99 {p99:F2} ms");
        Assert.Equal(count, members.Select(m => m.Id).Distinct().Count());
        Assert.Equal(count + joinLatencies.Count, await b.GetMemberCountAsync(Chat, default).DefaultTimeout());
        // The targets (GetMembers < 100 ms, join p99 < 50 ms) are measured on a quiet machine by the load tool
        // (docs/performance.md). Here test assemblies run side by side on 2 cores, so only an order of magnitude
        // is asserted: a quadratic or per-member round-trip implementation still fails. At p90, not p99: of 200 joins
        // the p99 is the second slowest, and one stall of the shared machine (741 ms for two joins in a CI run, p50 0.73 ms)
        // failed it; an implementation that is slow per member is slow for every join.
        Assert.True(timings.Min() < 1000, $"GetMembers for {count} members took {timings.Min():F1} ms at best.");
        Assert.True(p90 < 500, $"Joining a {count}-member channel took {p90:F2} ms at p90 (p99 {p99:F2} ms).");
    }
}
