using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Persistence.Internal;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Persistence;

/// <summary>The contract on the in-memory store, with time on a <see cref="FakeTimeProvider"/>, plus what is particular to it.</summary>
public sealed class InMemoryChannelEventStoreTests : ChannelEventStoreSpecification
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryChannelEventStore _store;

    public InMemoryChannelEventStoreTests(ITestOutputHelper output)
        : base(output)
    {
        _store = new InMemoryChannelEventStore(_time);
    }

    protected override IChannelEventStore Store => _store;

    protected override TimeSpan ShortTtl => TimeSpan.FromMinutes(1);

    protected override Task WaitUntilExpiredAsync(ChannelName channel)
    {
        _time.Advance(ShortTtl);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ttl_AppendWithinTtl_KeepsTheStreamAlive()
    {
        var policy = new HistoryPolicy(10, TimeSpan.FromMinutes(1));
        var first = await AppendAsync(Chat, 1, policy);

        _time.Advance(TimeSpan.FromSeconds(59));
        await AppendAsync(Chat, 1, policy);
        _time.Advance(TimeSpan.FromSeconds(59));
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal(new StreamPosition { Offset = 2, Epoch = first[0].Epoch }, position);
    }

    [Fact]
    public async Task Ttl_ReadingDoesNotKeepAStreamWithEventsAlive()
    {
        var first = await AppendAsync(Chat, 1, new HistoryPolicy(10, TimeSpan.FromMinutes(1)));

        _time.Advance(TimeSpan.FromSeconds(59));
        await ReadAsync(Chat, new HistoryQuery { Limit = 10 });
        _time.Advance(TimeSpan.FromSeconds(1));
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal(0, position.Offset);
        Assert.NotEqual(first[0].Epoch, position.Epoch);
    }

    [Fact]
    public async Task EmptyStream_EpochLastsEmptyStreamTtlAfterItsPositionWasLastRead()
    {
        var idle = ChannelName.Parse("chat.idle");
        var almost = StreamEpoch.EmptyStreamTtl - TimeSpan.FromSeconds(1);
        var subscribed = await Store.GetPositionAsync(Chat, default).DefaultTimeout();
        var forgotten = await Store.GetPositionAsync(idle, default).DefaultTimeout();

        _time.Advance(almost);
        Assert.Equal(subscribed, await Store.GetPositionAsync(Chat, default).DefaultTimeout());
        _time.Advance(almost);
        var appended = await AppendAsync(Chat, 1);
        var reborn = await Store.GetPositionAsync(idle, default).DefaultTimeout();

        Assert.Equal(subscribed.Epoch, appended[0].Epoch);
        Assert.NotEqual(forgotten.Epoch, reborn.Epoch);
    }

    [Fact]
    public async Task EmptyStreams_NotReadAgain_AreSweptAfterEmptyStreamTtl()
    {
        for (var i = 0; i < 1_000; i++)
        {
            await Store.GetPositionAsync(ChannelName.Parse($"never.{i}"), default).DefaultTimeout();
        }

        _time.Advance(StreamEpoch.EmptyStreamTtl + TimeSpan.FromMinutes(1));
        await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal(1, _store.StreamCount);
    }

    [Fact]
    public async Task Sweep_DropsExpiredStreams()
    {
        var policy = new HistoryPolicy(10, TimeSpan.FromMinutes(1));
        foreach (var name in new[] { "a", "b", "c" })
        {
            await AppendAsync(ChannelName.Parse(name), 2, policy);
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        await AppendAsync(Chat, 1, policy);

        Assert.Equal(1, _store.StreamCount);
    }

    [Fact]
    public async Task Append_KeepsItsOwnCopyOfThePayload()
    {
        using (var document = JsonDocument.Parse("""{"n":42}"""))
        {
            var published = new ChannelEvent { Channel = Chat.Value, Event = "Message", Data = document.RootElement, Timestamp = 1 };
            await Store.AppendAsync(Chat, published, Roomy, default).DefaultTimeout();
        }

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 1 });

        Assert.Equal(42, page.Events[0].Data.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Append_AfterTheSizeGrows_KeepsMoreAgain()
    {
        await AppendAsync(Chat, 5, new HistoryPolicy(2, Roomy.Ttl));
        await AppendAsync(Chat, 20, Roomy);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 100 });

        Assert.Equal(Enumerable.Range(4, 22).Select(i => (long)i), Offsets(page.Events));
    }

    [Fact]
    public void Policy_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryPolicy(0, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryPolicy(HistoryPolicy.MaxSize + 1, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryPolicy(10, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryQuery { Limit = -1 });
    }
}
