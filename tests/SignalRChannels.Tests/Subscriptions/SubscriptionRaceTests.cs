using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Presence;
using Xunit.Abstractions;

namespace SignalRChannels.Tests.Subscriptions;

/// <summary>
/// Operations of one connection that a client (or the app) runs at the same time: whatever the interleaving, what
/// the connection holds and what presence lists agree at the end. The presence store yields at random points (seeded,
/// the seed is printed) so the engine's awaits interleave as they do against Redis.
/// </summary>
public sealed class SubscriptionRaceTests(ITestOutputHelper output)
{
    private const int Iterations = 1000;
    private static readonly ChannelName Room = ChannelName.Parse("presence-room.1");

    private static void Routes(ChannelsBuilder channels) =>
        channels.Presence("room.{id}", (ClaimsPrincipal user) => new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!));

    [Fact]
    public async Task SubscribeAndUnsubscribeTogether_ThenDisconnect_LeavesNoGhost()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var host = NewHost(random);

        for (var i = 0; i < Iterations; i++)
        {
            var caller = host.Connect($"c-{i}", $"user-{i}");
            var (subscribeDelay, unsubscribeDelay) = (random.Next(12), random.Next(12));
            var subscribe = Task.Run(async () =>
            {
                await YieldsAsync(subscribeDelay);
                await host.Subscriptions.SubscribeAsync(caller, Room.Value, null, null);
            });
            var unsubscribe = Task.Run(async () =>
            {
                await YieldsAsync(unsubscribeDelay);
                await host.Subscriptions.UnsubscribeAsync(caller, Room.Value);
            });
            await Task.WhenAll(subscribe, unsubscribe).DefaultTimeout();
            await host.Lifecycle.OnDisconnectedAsync(caller.ConnectionId).DefaultTimeout();

            var members = await host.Presence.GetMembersAsync(Room, default);
            if (members.Count > 0)
            {
                Assert.Fail($"iteration {i} (seed {seed}): ghost member {members[0].Id}");
            }
        }
    }

    [Fact]
    public async Task RevocationRacingASubscribe_LeavesNeitherASubscriptionNorAMember()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var host = NewHost(random);

        for (var i = 0; i < Iterations; i++)
        {
            var user = $"user-{i}";
            var caller = host.Connect($"c-{i}", user);
            var (subscribeDelay, revokeDelay) = (random.Next(12), random.Next(12));
            var subscribe = Task.Run(async () =>
            {
                await YieldsAsync(subscribeDelay);
                try
                {
                    await host.Subscriptions.SubscribeAsync(caller, Room.Value, null, null);
                }
                catch (ChannelException)
                {
                }
            });
            var revoke = Task.Run(async () =>
            {
                await YieldsAsync(revokeDelay);
                await host.Manager.RemoveUserAsync(user, "*");
            });
            await Task.WhenAll(subscribe, revoke).DefaultTimeout();

            // Revoked after the subscribe, or the subscribe came first and was then revoked: either way, nothing held.
            // (A subscribe that starts after the revocation is a new request and is authorized anew.)
            if (host.Connections.SubscriptionsOf(caller.ConnectionId).Count > 0)
            {
                await host.Manager.RemoveUserAsync(user, "*");
            }

            Assert.Empty(host.Connections.SubscriptionsOf(caller.ConnectionId));
            Assert.DoesNotContain(await host.Presence.GetMembersAsync(Room, default), m => m.Id == user);
            await host.Lifecycle.OnDisconnectedAsync(caller.ConnectionId);
        }
    }

    [Fact]
    public async Task RevocationDuringAuthorization_AppliesToTheSubscriptionThatLands()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = new EngineHost(channels => channels.Presence("slow.{id}", async (ClaimsPrincipal user) =>
        {
            entered.TrySetResult();
            // The app's ban lands while this callback still believes the user is allowed.
            return await release.Task ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!) : null;
        }));
        var caller = host.Connect("c-1", "mallory");

        var subscribe = host.Subscriptions.SubscribeAsync(caller, "presence-slow.1", null, null);
        await entered.Task.DefaultTimeout();
        var revoke = host.Manager.RemoveUserAsync("mallory", "*");
        Assert.False(revoke.IsCompleted);
        release.SetResult(true);
        await subscribe.DefaultTimeout();
        await revoke.DefaultTimeout();

        Assert.Empty(host.Connections.SubscriptionsOf("c-1"));
        Assert.Empty(await host.Presence.GetMembersAsync(ChannelName.Parse("presence-slow.1"), default));
    }

    private static async Task YieldsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
        }
    }

    private static EngineHost NewHost(Random random) => new(Routes, services =>
        services.AddSingleton<IPresenceStore>(sp => new YieldingPresenceStore(ActivatorUtilities.CreateInstance<InMemoryPresenceStore>(sp), random)));

    /// <summary>The in-memory store, giving up the thread at random before and after each call.</summary>
    private sealed class YieldingPresenceStore(IPresenceStore inner, Random random) : IPresenceStore
    {
        public string NodeId => inner.NodeId;

        public async ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken)
        {
            await MaybeYield();
            var result = await inner.JoinAsync(channel, member, connectionId, cancellationToken);
            await MaybeYield();
            return result;
        }

        public async ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken)
        {
            await MaybeYield();
            var result = await inner.LeaveAsync(channel, memberId, connectionId, cancellationToken);
            await MaybeYield();
            return result;
        }

        public async ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken)
        {
            await MaybeYield();
            return await inner.GetMembersAsync(channel, cancellationToken);
        }

        public ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken) => inner.GetMemberCountAsync(channel, cancellationToken);

        public ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken) => inner.HeartbeatAsync(cancellationToken);

        public ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken) => inner.SweepAsync(cancellationToken);

        private async Task MaybeYield()
        {
            bool yieldNow;
            lock (random)
            {
                yieldNow = random.Next(2) == 0;
            }

            if (yieldNow)
            {
                await Task.Yield();
            }
        }
    }
}
