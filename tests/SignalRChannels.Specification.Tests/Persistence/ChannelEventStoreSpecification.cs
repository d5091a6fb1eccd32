using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace SignalRChannels.Specification.Tests.Persistence;

/// <summary>
/// The contract of <see cref="IChannelEventStore"/>, run against every implementation: each derived class supplies a
/// fresh store per test and a way to let a stream's TTL lapse.
/// </summary>
public abstract partial class ChannelEventStoreSpecification(ITestOutputHelper output)
{
    /// <summary>A policy roomy enough that nothing in a test is trimmed or expires by accident.</summary>
    protected static readonly HistoryPolicy Roomy = new(100, TimeSpan.FromMinutes(10));

    protected static readonly ChannelName Chat = ChannelName.Parse("chat.1");

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The store under test, fresh for each test.</summary>
    protected abstract IChannelEventStore Store { get; }

    /// <summary>A TTL the derived class can wait out in <see cref="WaitUntilExpiredAsync"/>.</summary>
    protected abstract TimeSpan ShortTtl { get; }

    /// <summary>Lets the channel's stream expire, its last append having had a TTL of <see cref="ShortTtl"/>.</summary>
    protected abstract Task WaitUntilExpiredAsync(ChannelName channel);

    [Fact]
    public async Task Append_NewChannel_AssignsContiguousOffsetsFromOne()
    {
        var appended = await AppendAsync(Chat, 5);

        Assert.Equal([1L, 2, 3, 4, 5], appended.Select(e => e.Offset!.Value));
        Assert.Single(appended.Select(e => e.Epoch).Distinct());
        Assert.False(string.IsNullOrEmpty(appended[0].Epoch));
    }

    [Fact]
    public async Task Append_ReturnsACopyWithItsPosition_KeepingTheEnvelope()
    {
        var published = NewEvent(Chat, 7, from: "user-3");

        var appended = await Store.AppendAsync(Chat, published, Roomy, default).DefaultTimeout();

        Assert.NotSame(published, appended);
        Assert.Null(published.Offset);
        Assert.Equal(1, appended.Offset);
        Assert.Equal(Json(ChannelEventPosition.WithPosition(published, appended.Offset, appended.Epoch)), Json(appended));
    }

    [Fact]
    public async Task Append_EventThatCarriesAPosition_GetsTheStreamsPositionInstead()
    {
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();
        var stale = ChannelEventPosition.WithPosition(NewEvent(Chat, 1), offset: 99, epoch: "stale");

        var appended = await Store.AppendAsync(Chat, stale, Roomy, default).DefaultTimeout();
        var read = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal((1L, position.Epoch), (appended.Offset!.Value, appended.Epoch));
        Assert.Equal((1L, position.Epoch), (read.Events[0].Offset!.Value, read.Events[0].Epoch));
    }

    [Fact]
    public async Task GetPosition_NewChannel_IsOffsetZeroWithAStableEpoch()
    {
        var first = await Store.GetPositionAsync(Chat, default).DefaultTimeout();
        var second = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal(0, first.Offset);
        Assert.False(string.IsNullOrEmpty(first.Epoch));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task GetPosition_BeforeTheFirstEvent_HasTheEpochTheFirstEventGets()
    {
        var before = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        var appended = await AppendAsync(Chat, 1);

        Assert.Equal(before.Epoch, appended[0].Epoch);
    }

    [Fact]
    public async Task GetPosition_AfterAppends_IsTheNewestOffsetAndItsEpoch()
    {
        var appended = await AppendAsync(Chat, 3);

        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal(new StreamPosition { Offset = 3, Epoch = appended[2].Epoch }, position);
    }

    [Fact]
    public async Task Read_WithoutSince_ReturnsTheOldestFirstUpToTheLimit()
    {
        var appended = await AppendAsync(Chat, 5);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 3 });

        Assert.Equal([1L, 2, 3], Offsets(page.Events));
        Assert.Equal(new StreamPosition { Offset = 5, Epoch = appended[0].Epoch }, page.Position);
    }

    [Fact]
    public async Task Read_Since_ReturnsTheEventsAfterItOnly()
    {
        var appended = await AppendAsync(Chat, 5);

        var page = await ReadAsync(Chat, new HistoryQuery { Since = PositionOf(appended[1]), Limit = 10 });

        Assert.Equal([3L, 4, 5], Offsets(page.Events));
    }

    [Fact]
    public async Task Read_SinceWithoutEpoch_FiltersByOffsetOnly()
    {
        await AppendAsync(Chat, 5);

        var page = await ReadAsync(Chat, new HistoryQuery { Since = new StreamPosition { Offset = 3 }, Limit = 10 });

        Assert.Equal([4L, 5], Offsets(page.Events));
    }

    [Fact]
    public async Task Read_SinceAtOrBeyondTheNewest_ReturnsNoEvents()
    {
        await AppendAsync(Chat, 3);

        var atNewest = await ReadAsync(Chat, new HistoryQuery { Since = new StreamPosition { Offset = 3 }, Limit = 10, Reverse = true });
        var beyond = await ReadAsync(Chat, new HistoryQuery { Since = new StreamPosition { Offset = long.MaxValue }, Limit = 10 });

        Assert.Empty(atNewest.Events);
        Assert.Empty(beyond.Events);
        Assert.Equal(3, beyond.Position.Offset);
    }

    [Fact]
    public async Task Read_Reverse_ReturnsTheNewestFirst()
    {
        await AppendAsync(Chat, 5);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 2, Reverse = true });

        Assert.Equal([5L, 4], Offsets(page.Events));
    }

    [Fact]
    public async Task Read_ReverseWithSince_ReturnsTheNewestEventsAfterSince()
    {
        var appended = await AppendAsync(Chat, 5);
        var since = PositionOf(appended[1]);

        var all = await ReadAsync(Chat, new HistoryQuery { Since = since, Limit = 10, Reverse = true });
        var limited = await ReadAsync(Chat, new HistoryQuery { Since = since, Limit = 2, Reverse = true });

        Assert.Equal([5L, 4, 3], Offsets(all.Events));
        Assert.Equal([5L, 4], Offsets(limited.Events));
    }

    [Fact]
    public async Task Read_LimitZero_ReturnsOnlyThePosition()
    {
        var appended = await AppendAsync(Chat, 2);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 0 });

        Assert.Empty(page.Events);
        Assert.Equal(PositionOf(appended[1]), page.Position);
    }

    [Fact]
    public async Task Read_SinceFromAnotherEpoch_ReturnsNoEvents()
    {
        var appended = await AppendAsync(Chat, 3);

        var page = await ReadAsync(Chat, new HistoryQuery { Since = new StreamPosition { Offset = 1, Epoch = "other" }, Limit = 10 });

        Assert.Empty(page.Events);
        Assert.Equal(PositionOf(appended[2]), page.Position);
    }

    [Fact]
    public async Task Read_NewChannel_ReturnsNoEventsAndTheStablePosition()
    {
        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Empty(page.Events);
        Assert.Equal(0, page.Position.Offset);
        Assert.Equal(position, page.Position);
    }

    [Fact]
    public async Task Read_ReturnsTheEventsAsAppended()
    {
        var appended = new List<ChannelEvent>();
        foreach (var published in new[] { NewEvent(Chat, 1, from: "u1"), NewEvent(Chat, 2), NullDataEvent(Chat) })
        {
            appended.Add(await Store.AppendAsync(Chat, published, Roomy, default).DefaultTimeout());
        }

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal(appended.Select(Json), page.Events.Select(Json));
    }

    [Fact]
    public async Task Append_ManyWithinSize_KeepsThemAllInOrder()
    {
        await AppendAsync(Chat, 50);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 100 });

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), Offsets(page.Events));
        Assert.Equal(Enumerable.Range(1, 50), page.Events.Select(e => e.Data.GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Append_BeyondSize_KeepsOnlyTheNewest()
    {
        var small = new HistoryPolicy(3, Roomy.Ttl);
        await AppendAsync(Chat, 5, small);

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });
        var reversed = await ReadAsync(Chat, new HistoryQuery { Limit = 10, Reverse = true });

        Assert.Equal([3L, 4, 5], Offsets(page.Events));
        Assert.Equal([5L, 4, 3], Offsets(reversed.Events));
        Assert.Equal(5, page.Position.Offset);
    }

    [Fact]
    public async Task Append_AfterTheSizeShrinks_KeepsTheNewestOfTheNewSize()
    {
        await AppendAsync(Chat, 10);
        await AppendAsync(Chat, 1, new HistoryPolicy(4, Roomy.Ttl));

        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 100 });

        Assert.Equal([8L, 9, 10, 11], Offsets(page.Events));
    }

    [Fact]
    public async Task Recover_NothingMissed_IsRecoveredWithNoEvents()
    {
        var appended = await AppendAsync(Chat, 3);

        var result = await Store.RecoverAsync(Chat, PositionOf(appended[2]), 300, default).DefaultTimeout();

        Assert.True(result.Recovered);
        Assert.Empty(result.Events);
        Assert.Equal(PositionOf(appended[2]), result.Position);
    }

    [Fact]
    public async Task Recover_MissedEvents_ReturnsThemAllInOrder()
    {
        var appended = await AppendAsync(Chat, 7);

        var result = await Store.RecoverAsync(Chat, PositionOf(appended[2]), 300, default).DefaultTimeout();

        Assert.True(result.Recovered);
        Assert.Equal(appended.Skip(3).Select(Json), result.Events.Select(Json));
        Assert.Equal(PositionOf(appended[6]), result.Position);
    }

    [Fact]
    public async Task Recover_FromThePositionOfAnEmptyChannel_ReturnsEverything()
    {
        var subscribed = await Store.GetPositionAsync(Chat, default).DefaultTimeout();
        var appended = await AppendAsync(Chat, 3);

        var result = await Store.RecoverAsync(Chat, subscribed, 300, default).DefaultTimeout();

        Assert.True(result.Recovered);
        Assert.Equal(appended.Select(Json), result.Events.Select(Json));
    }

    [Fact]
    public async Task Recover_EpochMismatch_IsNotRecovered()
    {
        var appended = await AppendAsync(Chat, 3);

        var result = await Store.RecoverAsync(Chat, new StreamPosition { Offset = 1, Epoch = "other" }, 300, default).DefaultTimeout();

        AssertNotRecovered(result, PositionOf(appended[2]));
    }

    [Fact]
    public async Task Recover_PositionWithoutEpoch_IsNotRecovered()
    {
        var appended = await AppendAsync(Chat, 3);

        var result = await Store.RecoverAsync(Chat, new StreamPosition { Offset = 1 }, 300, default).DefaultTimeout();

        AssertNotRecovered(result, PositionOf(appended[2]));
    }

    [Fact]
    public async Task Recover_GapOlderThanWhatIsRetained_IsNotRecovered()
    {
        var appended = await AppendAsync(Chat, 6, new HistoryPolicy(3, Roomy.Ttl));

        var trimmed = await Store.RecoverAsync(Chat, PositionOf(appended[1]), 300, default).DefaultTimeout();
        var retained = await Store.RecoverAsync(Chat, PositionOf(appended[2]), 300, default).DefaultTimeout();

        AssertNotRecovered(trimmed, PositionOf(appended[5]));
        Assert.True(retained.Recovered);
        Assert.Equal([4L, 5, 6], Offsets(retained.Events));
    }

    [Fact]
    public async Task Recover_MoreThanMaxEventsMissed_IsNotRecovered()
    {
        var appended = await AppendAsync(Chat, 5);

        var tooMany = await Store.RecoverAsync(Chat, PositionOf(appended[0]), 3, default).DefaultTimeout();
        var exactly = await Store.RecoverAsync(Chat, PositionOf(appended[1]), 3, default).DefaultTimeout();

        AssertNotRecovered(tooMany, PositionOf(appended[4]));
        Assert.True(exactly.Recovered);
        Assert.Equal([3L, 4, 5], Offsets(exactly.Events));
    }

    [Fact]
    public async Task Recover_PositionAheadOfTheStream_IsNotRecovered()
    {
        var appended = await AppendAsync(Chat, 2);

        var result = await Store.RecoverAsync(Chat, new StreamPosition { Offset = 5, Epoch = appended[0].Epoch }, 300, default).DefaultTimeout();

        AssertNotRecovered(result, PositionOf(appended[1]));
    }

    [Fact]
    public async Task Recover_NegativeMaxEvents_Throws()
    {
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RecoverAsync(Chat, position, -1, default).AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task Ttl_NoAppendForTtl_StreamStartsOverAtOffsetOneUnderANewEpoch()
    {
        var before = await AppendAsync(Chat, 3);
        await AppendAsync(Chat, 1, new HistoryPolicy(Roomy.Size, ShortTtl));

        await WaitUntilExpiredAsync(Chat);
        var after = await AppendAsync(Chat, 2);
        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal([1L, 2], after.Select(e => e.Offset!.Value));
        Assert.NotEqual(before[0].Epoch, after[0].Epoch);
        Assert.Equal([1L, 2], Offsets(page.Events));
    }

    [Fact]
    public async Task Ttl_Expired_OldPositionsAreNotRecoveredAndThePositionIsZero()
    {
        var before = await AppendAsync(Chat, 2, new HistoryPolicy(Roomy.Size, ShortTtl));

        await WaitUntilExpiredAsync(Chat);
        var result = await Store.RecoverAsync(Chat, PositionOf(before[0]), 300, default).DefaultTimeout();
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.False(result.Recovered);
        Assert.Empty(result.Events);
        Assert.Equal(0, position.Offset);
        Assert.NotEqual(before[0].Epoch, position.Epoch);
        Assert.Equal(position, result.Position);
    }

    [Fact]
    public async Task Concurrent_AppendsFromManyTasks_GetUniqueContiguousOffsets()
    {
        const int Tasks = 50, PerTask = 200, Total = Tasks * PerTask;
        var policy = new HistoryPolicy(Total, Roomy.Ttl);
        var elapsed = Stopwatch.StartNew();

        var appended = (await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(() => AppendAsync(Chat, PerTask, policy))))
            .DefaultTimeout()).SelectMany(e => e).ToList();
        elapsed.Stop();
        Output.WriteLine($"{Total} appends from {Tasks} tasks in {elapsed.ElapsedMilliseconds} ms: {Total / elapsed.Elapsed.TotalSeconds:N0} events/s");

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), appended.Select(e => e.Offset!.Value).Order());
        Assert.Single(appended.Select(e => e.Epoch).Distinct());
        var page = await ReadAsync(Chat, new HistoryQuery { Limit = Total });
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), Offsets(page.Events));
    }

    [Fact]
    public async Task Channels_AreIsolated()
    {
        var other = ChannelName.Parse("chat.2");
        var privateChat = ChannelName.Parse("private-chat.1");

        var chat = await AppendAsync(Chat, 3);
        var second = await AppendAsync(other, 1);
        var third = await AppendAsync(privateChat, 2);

        Assert.Equal(1, second[0].Offset);
        Assert.Equal([1L, 2], third.Select(e => e.Offset!.Value));
        Assert.All((await ReadAsync(other, new HistoryQuery { Limit = 10 })).Events, e => Assert.Equal("chat.2", e.Channel));
        Assert.Equal(3, (await Store.GetPositionAsync(Chat, default).DefaultTimeout()).Offset);
        Assert.False((await Store.RecoverAsync(other, PositionOf(chat[0]), 300, default).DefaultTimeout()).Recovered);
    }

    protected async Task<ChannelEvent[]> AppendAsync(ChannelName channel, int count, HistoryPolicy? policy = null)
    {
        var appended = new ChannelEvent[count];
        for (var i = 0; i < count; i++)
        {
            appended[i] = await Store.AppendAsync(channel, NewEvent(channel, i + 1), policy ?? Roomy, default).DefaultTimeout();
        }

        return appended;
    }

    protected Task<HistoryPage> ReadAsync(ChannelName channel, HistoryQuery query) => Store.ReadAsync(channel, query, default).DefaultTimeout();

    protected static ChannelEvent NewEvent(ChannelName channel, int n, string? from = null) => new()
    {
        Channel = channel.Value,
        Event = "Message",
        Data = JsonSerializer.SerializeToElement(new { n, text = $"message {n}", tags = new[] { "a", "b" } }),
        Timestamp = 1_700_000_000_000 + n,
        From = from,
    };

    protected static StreamPosition PositionOf(ChannelEvent channelEvent) => new() { Offset = channelEvent.Offset!.Value, Epoch = channelEvent.Epoch };

    protected static long[] Offsets(IEnumerable<ChannelEvent> events) => events.Select(e => e.Offset!.Value).ToArray();

    /// <summary>The event as a client would receive it, for comparing whole envelopes.</summary>
    protected static string Json(ChannelEvent channelEvent) => JsonSerializer.Serialize(channelEvent);

    private static ChannelEvent NullDataEvent(ChannelName channel) => new()
    {
        Channel = channel.Value,
        Event = "Cleared",
        Data = JsonSerializer.SerializeToElement<object?>(null),
        Timestamp = 1_700_000_000_000,
    };

    private static void AssertNotRecovered(RecoveryResult result, StreamPosition position)
    {
        Assert.False(result.Recovered);
        Assert.Empty(result.Events);
        Assert.Equal(position, result.Position);
    }
}
