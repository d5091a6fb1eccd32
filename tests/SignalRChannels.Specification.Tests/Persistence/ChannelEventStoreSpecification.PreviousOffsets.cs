namespace SignalRChannels.Specification.Tests.Persistence;

/// <summary>
/// The append that reports previous offsets (for filtered subscriptions): for each name asked about, an offset before
/// the new event with no event of that name strictly between; the built-in stores give the newest one.
/// </summary>
public abstract partial class ChannelEventStoreSpecification
{
    [Fact]
    public async Task AppendReporting_GivesPerNameAnOffsetWithNoEventOfThatNameInBetween()
    {
        await AppendNamedAsync(Chat, "A", "B", "B", "C");

        var (appended, previous) = await Store.AppendAsync(Chat, Named(Chat, "A"), Roomy, ["A", "B", "Z"], default).DefaultTimeout();
        var stored = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal(5, appended.Offset);
        Assert.InRange(previous[0], 0, 1);
        Assert.InRange(previous[1], 0, 3);
        Assert.Equal(0, previous[2]);
        Assert.Equal([1L, 2, 3, 4, 5], Offsets(stored.Events));
    }

    [Fact]
    public virtual async Task AppendReporting_BuiltInStores_GiveTheNewestEarlierOffsetOfEachName()
    {
        await AppendNamedAsync(Chat, "A", "B", "B", "C");
        await Store.AppendAsync(Chat, Named(Chat, "C"), Roomy, [], default).DefaultTimeout();

        var (_, previous) = await Store.AppendAsync(Chat, Named(Chat, "B"), Roomy, ["A", "B", "C", "Z"], default).DefaultTimeout();

        Assert.Equal([1L, 3, 5, 0], previous);
    }

    [Fact]
    public async Task AppendReporting_AfterTheStreamExpired_ForgetsTheOldEpochsOffsets()
    {
        await Store.AppendAsync(Chat, Named(Chat, "A"), new HistoryPolicy(10, ShortTtl), [], default).DefaultTimeout();
        await WaitUntilExpiredAsync(Chat);

        var (appended, previous) = await Store.AppendAsync(Chat, Named(Chat, "B"), Roomy, ["A"], default).DefaultTimeout();

        Assert.Equal(1, appended.Offset);
        Assert.Equal([0L], previous);
    }

    private async Task AppendNamedAsync(ChannelName channel, params string[] names)
    {
        foreach (var name in names)
        {
            await Store.AppendAsync(channel, Named(channel, name), Roomy, default).DefaultTimeout();
        }
    }

    private static ChannelEvent Named(ChannelName channel, string name) => new()
    {
        Channel = channel.Value,
        Event = name,
        Data = NewEvent(channel, 1).Data,
        Timestamp = 1_700_000_000_000,
    };
}
