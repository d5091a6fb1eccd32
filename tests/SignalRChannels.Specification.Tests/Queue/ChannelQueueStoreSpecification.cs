using System.Diagnostics;
using System.Text.Json;

namespace SignalRChannels.Specification.Tests.Queue;

/// <summary>
/// The contract of <see cref="IChannelQueueStore"/>, run against every implementation: each derived class supplies a
/// fresh, empty store per test, built with <see cref="Options"/> (a capacity of <see cref="Capacity"/>, one partition).
/// </summary>
public abstract class ChannelQueueStoreSpecification
{
    protected const int Capacity = 4;

    /// <summary>The options the derived class builds its store with.</summary>
    protected static QueuedBroadcastingOptions Options => new()
    {
        Capacity = Capacity,
        Partitions = 1,
        PollInterval = TimeSpan.FromMilliseconds(50),
        LeaseTime = TimeSpan.FromSeconds(1),
    };

    /// <summary>The store under test, fresh and empty for each test.</summary>
    protected abstract IChannelQueueStore Store { get; }

    [Fact]
    public async Task Read_HandsOutEventsInEnqueueOrder_EachWithAReceiptAndItsFields()
    {
        var queued = new[] { Event("orders.1", 1), Event("orders.2", 2), Event("orders.1", 3) };
        foreach (var e in queued)
        {
            await Store.EnqueueAsync(e, default).DefaultTimeout();
        }

        var read = await ReadAsync(3);

        Assert.Equal(queued.Select(e => e.Id), read.Select(e => e.Id));
        Assert.All(read, e => Assert.False(string.IsNullOrEmpty(e.Receipt)));
        Assert.Equal(3, read.Select(e => e.Receipt).Distinct().Count());
        Assert.Equal(
            queued.Select(e => (e.Channel, e.Event, e.Data.GetRawText(), e.ToOthers, e.EnqueuedAt)),
            read.Select(e => (e.Channel, e.Event, e.Data.GetRawText(), e.ToOthers, e.EnqueuedAt)));
    }

    [Fact]
    public async Task Read_DoesNotHandOutAnEventAgain_WhileItIsHeld()
    {
        await Store.EnqueueAsync(Event("orders.1", 1), default).DefaultTimeout();
        var first = await ReadAsync(1);

        var again = await Store.ReadAsync(10, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Single(first);
        Assert.Empty(again);
    }

    [Fact]
    public async Task Enqueue_WhenFull_IsRefusedWithLimitExceeded_UntilAnEventIsAcknowledged()
    {
        for (var i = 1; i <= Capacity; i++)
        {
            await Store.EnqueueAsync(Event("orders.1", i), default).DefaultTimeout();
        }

        var refused = await Assert.ThrowsAsync<ChannelException>(() => Store.EnqueueAsync(Event("orders.1", 99), default).AsTask().DefaultTimeout());
        var read = await ReadAsync(1);
        await Store.AcknowledgeAsync(read[0], default).DefaultTimeout();
        await Store.EnqueueAsync(Event("orders.1", 100), default).DefaultTimeout();

        Assert.Equal(ChannelErrorCodes.LimitExceeded, refused.Code);
    }

    [Fact]
    public async Task DeadLetter_IsListedWithItsEventReasonAndAttempts_AndCanBeDeleted()
    {
        var queued = Event("orders.1", 1);
        await Store.EnqueueAsync(queued, default).DefaultTimeout();
        var read = await ReadAsync(1);

        var deadLetter = await Store.DeadLetterAsync(read[0], "unavailable: the store is away", 3, default).DefaultTimeout();
        var listed = Assert.Single(await Store.ReadDeadLettersAsync(10, default).DefaultTimeout());

        Assert.Equal((deadLetter.Id, queued.Id, "unavailable: the store is away", 3), (listed.Id, listed.Event.Id, listed.Reason, listed.Attempts));
        Assert.Equal(queued.Data.GetRawText(), listed.Event.Data.GetRawText());
        Assert.True(await Store.DeleteDeadLetterAsync(listed.Id, default).DefaultTimeout());
        Assert.False(await Store.DeleteDeadLetterAsync(listed.Id, default).DefaultTimeout());
        Assert.Empty(await Store.ReadDeadLettersAsync(10, default).DefaultTimeout());
    }

    [Fact]
    public async Task Read_WithNothingQueued_ReturnsEmptyWithinAboutThePollInterval()
    {
        var elapsed = Stopwatch.StartNew();

        var read = await Store.ReadAsync(10, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(read);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"an empty read took {elapsed.Elapsed}");
    }

    /// <summary>Reads until <paramref name="count"/> events came (a shared store first has to own its partitions).</summary>
    protected async Task<List<QueuedChannelEvent>> ReadAsync(int count)
    {
        var read = new List<QueuedChannelEvent>();
        var deadline = Stopwatch.StartNew();
        while (read.Count < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"only {read.Count} of {count} events were read");
            read.AddRange(await Store.ReadAsync(count - read.Count, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        return read;
    }

    protected static QueuedChannelEvent Event(string channel, int n) => new()
    {
        Id = $"evt-{n}-{Guid.NewGuid():N}",
        Channel = channel,
        Event = "OrderShipped",
        Data = JsonSerializer.SerializeToElement(new { n, tags = new[] { "a", "b" } }),
        ToOthers = n % 2 == 0 ? "conn-7" : null,
        EnqueuedAt = 1_700_000_000_000 + n,
    };
}
