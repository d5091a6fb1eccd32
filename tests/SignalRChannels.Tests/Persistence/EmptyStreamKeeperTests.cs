using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Persistence;
using SignalRChannels.Tests.Subscriptions;

namespace SignalRChannels.Tests.Persistence;

/// <summary>
/// Epochs of never-published history channels last only <see cref="StreamEpoch.EmptyStreamTtl"/>, except while this
/// node has a subscriber of the channel: the subscriber's epoch must be the one the first event gets. Fake time.
/// </summary>
public class EmptyStreamKeeperTests
{
    private static readonly TimeSpan s_tick = StreamEpoch.EmptyStreamTtl / 4;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task SubscribedEmptyChannel_KeepsItsEpochForAnHour_AndTheFirstEventGetsIt()
    {
        await using var host = Host();
        var alice = host.Connect("c-alice", "alice");
        var subscribed = await host.Subscriptions.SubscribeAsync(alice, "feed.quiet", null, null);

        await RenewForAsync(host, TimeSpan.FromHours(1));
        await host.Get<IChannelBroadcaster>().PublishAsync("feed.quiet", "Message", new { n = 1 });
        var published = await host.Get<IChannelEventStore>().GetPositionAsync(ChannelName.Parse("feed.quiet"), default);

        Assert.Equal(0, subscribed.Position!.Offset);
        Assert.Equal(new StreamPosition { Offset = 1, Epoch = subscribed.Position.Epoch }, published);
    }

    [Fact]
    public async Task EmptyChannelWithoutSubscribers_IsDropped_AndItsEpochExpires()
    {
        await using var host = Host();
        var alice = host.Connect("c-alice", "alice");
        var subscribed = await host.Subscriptions.SubscribeAsync(alice, "feed.quiet", null, null);
        await host.Subscriptions.UnsubscribeAsync(alice, "feed.quiet");

        await RenewForAsync(host, StreamEpoch.EmptyStreamTtl + s_tick);
        var later = await host.Get<IChannelEventStore>().GetPositionAsync(ChannelName.Parse("feed.quiet"), default);

        Assert.Equal(0, host.Get<EmptyStreamKeeper>().Count);
        Assert.NotEqual(subscribed.Position!.Epoch, later.Epoch);
    }

    [Fact]
    public async Task ChannelThatGetsEvents_IsNoLongerKept()
    {
        await using var host = Host();
        var alice = host.Connect("c-alice", "alice");
        await host.Subscriptions.SubscribeAsync(alice, "feed.busy", null, null);
        await host.Get<IChannelBroadcaster>().PublishAsync("feed.busy", "Message", new { n = 1 });

        await host.Get<EmptyStreamKeeper>().RenewAsync(CancellationToken.None);

        Assert.Equal(0, host.Get<EmptyStreamKeeper>().Count);
    }

    private EngineHost Host() => new(
        channels => channels.History("feed.*", 10, TimeSpan.FromHours(2)),
        services => services.AddSingleton<TimeProvider>(_time));

    /// <summary>Advances fake time in keeper ticks, renewing at each, as the keeper's timer would.</summary>
    private async Task RenewForAsync(EngineHost host, TimeSpan duration)
    {
        var keeper = host.Get<EmptyStreamKeeper>();
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += s_tick)
        {
            _time.Advance(s_tick);
            await keeper.RenewAsync(CancellationToken.None);
        }
    }
}
