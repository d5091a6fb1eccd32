namespace SignalRChannels.Specification.Tests.Persistence;

/// <summary>The contract on event ids: appends of an event that carries an id are idempotent (queued events).</summary>
public abstract partial class ChannelEventStoreSpecification
{
    [Fact]
    public async Task Append_RetriedEventWithAnId_IsNotAppendedTwice_AndGetsItsFirstPosition()
    {
        var queued = WithId(NewEvent(Chat, 1), "evt-1");

        var first = await Store.AppendAsync(Chat, queued, Roomy, default).DefaultTimeout();
        var direct = await Store.AppendAsync(Chat, NewEvent(Chat, 2), Roomy, default).DefaultTimeout();
        var retried = await Store.AppendAsync(Chat, queued, Roomy, default).DefaultTimeout();
        var next = await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 3), "evt-2"), Roomy, default).DefaultTimeout();
        var read = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal((1L, first.Epoch), (retried.Offset!.Value, retried.Epoch));
        Assert.Equal("evt-1", retried.Id);
        Assert.Equal([1L, 2, 3], [first.Offset!.Value, direct.Offset!.Value, next.Offset!.Value]);
        Assert.Equal([1L, 2, 3], Offsets(read.Events));
        Assert.Equal(["evt-1", null, "evt-2"], read.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task Append_RetriedEventWithAnId_AfterLaterOnes_IsNotAppendedAgain()
    {
        await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 1), "evt-1"), Roomy, default).DefaultTimeout();
        await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 2), "evt-2"), Roomy, default).DefaultTimeout();

        var again = await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 1), "evt-1"), Roomy, default).DefaultTimeout();
        var position = await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        Assert.Equal((1L, 2L), (again.Offset!.Value, position.Offset));
    }

    [Fact]
    public async Task AppendMany_AssignsContiguousOffsetsInOrder_AndSkipsIdsAlreadyAppended()
    {
        await Store.AppendAsync(Chat, NewEvent(Chat, 1), Roomy, default).DefaultTimeout();
        await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 2), "evt-2"), Roomy, default).DefaultTimeout();

        var appended = await Store.AppendManyAsync(
            Chat,
            [WithId(NewEvent(Chat, 2), "evt-2"), WithId(NewEvent(Chat, 3), "evt-3"), NewEvent(Chat, 4), WithId(NewEvent(Chat, 3), "evt-3")],
            Roomy,
            default).DefaultTimeout();
        var read = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal([2L, 3, 4, 3], Offsets(appended));
        Assert.Single(appended.Select(e => e.Epoch).Distinct());
        Assert.Equal([1L, 2, 3, 4], Offsets(read.Events));
        Assert.Equal([null, "evt-2", "evt-3", null], read.Events.Select(e => e.Id));
        Assert.Equal(Json(ChannelEventPosition.WithPosition(NewEvent(Chat, 4), 4, appended[2].Epoch)), Json(read.Events[3]));
    }

    [Fact]
    public async Task Append_IdOlderThanTheRememberedOnes_IsAppendedAgain()
    {
        var policy = new HistoryPolicy(10, Roomy.Ttl);
        for (var i = 0; i <= ChannelEventIds.Remembered; i++)
        {
            await Store.AppendAsync(Chat, WithId(NewEvent(Chat, i), $"evt-{i}"), policy, default).DefaultTimeout();
        }

        var remembered = await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 1), "evt-1"), policy, default).DefaultTimeout();
        var oldest = await Store.AppendAsync(Chat, WithId(NewEvent(Chat, 0), "evt-0"), policy, default).DefaultTimeout();

        Assert.Equal(ChannelEventIds.Remembered + 2, oldest.Offset);
        Assert.Equal(2, remembered.Offset);
    }

    protected static ChannelEvent WithId(ChannelEvent channelEvent, string id) => new()
    {
        Channel = channelEvent.Channel,
        Event = channelEvent.Event,
        Data = channelEvent.Data,
        Timestamp = channelEvent.Timestamp,
        From = channelEvent.From,
        Id = id,
    };
}
