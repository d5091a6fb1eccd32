using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client.Tests;

public sealed partial class EventSequencerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeSink _sink = new();

    [Fact]
    public void Push_InOrder_DeliversEachOnce()
    {
        var sequencer = Started();

        Push(sequencer, 1, 2, 3);

        Assert.Equal([1, 2, 3], _sink.Delivered);
        Assert.Equal(new StreamPosition(3, "e1"), sequencer.LastPosition);
    }

    [Fact]
    public void Push_Duplicates_AreDropped()
    {
        var sequencer = Started();

        Push(sequencer, 1, 2, 2, 1, 3, 3);

        Assert.Equal([1, 2, 3], _sink.Delivered);
    }

    [Fact]
    public void Push_RepeatedEventIdWithoutOffset_IsDroppedWhileRemembered()
    {
        var sequencer = Started();
        var delivered = new List<string?>();
        _sink.OnDeliver = e => delivered.Add(e.Id);

        sequencer.Push(Queued("a"));
        sequencer.Push(Queued("b"));
        sequencer.Push(Queued("a"));
        for (var i = 0; i < 1000; i++)
        {
            sequencer.Push(Queued($"x{i}"));
        }

        sequencer.Push(Queued("a"));

        Assert.Equal(["a", "b", "a"], delivered.Where(id => !id!.StartsWith('x')));
    }

    [Fact]
    public void Push_OutOfOrderWithinWindow_IsReorderedWithoutHistory()
    {
        var sequencer = Started();

        Push(sequencer, 1, 3, 4);
        Assert.Equal([1], _sink.Delivered);
        Push(sequencer, 2);

        Assert.Equal([1, 2, 3, 4], _sink.Delivered);
        _time.Advance(Window * 2);
        Assert.Equal(0, _sink.Fetches);
        Assert.Empty(_sink.Gaps);
    }

    [Fact]
    public void Push_HoleStillOpenAfterWindow_IsFilledFromHistory()
    {
        var sequencer = Started();
        _sink.History.AddRange([Event(2), Event(3)]);

        Push(sequencer, 1, 4);
        _time.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.Equal([1], _sink.Delivered);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([1, 2, 3, 4], _sink.Delivered);
        Assert.Equal(1, _sink.Fetches);
        Assert.Empty(_sink.Gaps);
    }

    [Fact]
    public void Push_HoleThatHistoryLacks_IsReportedAsGapThenDeliveryGoesOn()
    {
        var sequencer = Started();

        Push(sequencer, 1, 4, 5);
        _time.Advance(Window);

        Assert.Equal([1, 4, 5], _sink.Delivered);
        var gap = Assert.Single(_sink.Gaps);
        Assert.Equal((GapReason.HistoryIncomplete, 2L, 3L), (gap.Reason, gap.FromOffset, gap.ToOffset));
    }

    [Fact]
    public void Push_HistoryFails_IsReportedAsHistoryError()
    {
        var sequencer = Started();
        _sink.Fail = true;

        Push(sequencer, 1, 3);
        _time.Advance(Window);

        Assert.Equal([1, 3], _sink.Delivered);
        Assert.Equal(GapReason.HistoryError, Assert.Single(_sink.Gaps).Reason);
    }

    [Fact]
    public void Resume_MissedOverlappingHeldEvents_DeliversEachOffsetOnceInOrder()
    {
        var sequencer = Started();
        Push(sequencer, 1, 2);
        sequencer.Hold();

        // Live events that arrived while the resubscription was in flight, partly also in `missed`.
        Push(sequencer, 5, 6, 4);
        Assert.Equal([1, 2], _sink.Delivered);
        sequencer.Resume(new StreamPosition(6, "e1"), recovered: true, [Event(3), Event(4), Event(5)], since: new StreamPosition(2, "e1"));

        Assert.Equal([1, 2, 3, 4, 5, 6], _sink.Delivered);
        Assert.Empty(_sink.Gaps);
    }

    [Fact]
    public void Resume_NotRecovered_ReportsTheLostRange()
    {
        var sequencer = Started();
        Push(sequencer, 1, 2);
        sequencer.Hold();

        sequencer.Resume(new StreamPosition(10, "e1"), recovered: false, missed: null, since: new StreamPosition(2, "e1"));
        Push(sequencer, 11);

        var gap = Assert.Single(_sink.Gaps);
        Assert.Equal((GapReason.NotRecovered, 3L, 10L), (gap.Reason, gap.FromOffset, gap.ToOffset));
        Assert.Equal([1, 2, 11], _sink.Delivered);
    }

    [Fact]
    public void Resume_EpochChanged_ReportsGapAndIgnoresTheOldEpoch()
    {
        var sequencer = Started();
        Push(sequencer, 1);
        sequencer.Hold();

        sequencer.Resume(new StreamPosition(0, "e2"), recovered: false, missed: null, since: new StreamPosition(1, "e1"));
        sequencer.Push(Event(2, "e1"));
        sequencer.Push(Event(1, "e2"));

        var gap = Assert.Single(_sink.Gaps);
        Assert.Equal((GapReason.EpochChanged, "e1", 2L, (long?)null), (gap.Reason, gap.Epoch, gap.FromOffset, gap.ToOffset));
        Assert.Equal([1, 1], _sink.Delivered);
        Assert.Equal(new StreamPosition(1, "e2"), sequencer.LastPosition);
    }

    [Fact]
    public void Push_EventsWithoutOffset_PassStraightThrough()
    {
        var sequencer = Started();

        Push(sequencer, 1, 3);
        sequencer.Push(new ChannelEvent { Channel = "c", Event = "member:joined", Data = default });

        Assert.Equal([1, null], _sink.Delivered);
    }

    [Fact]
    public void Hold_KeepsEventsUntilResume()
    {
        var sequencer = new EventSequencer("c", _sink, _time, Window, maxAhead: 100);

        Push(sequencer, 1, 2);
        Assert.Empty(_sink.Delivered);
        sequencer.Resume(new StreamPosition(0, "e1"), recovered: false, missed: null, since: null);

        Assert.Equal([1, 2], _sink.Delivered);
    }

    private EventSequencer Started()
    {
        var sequencer = new EventSequencer("c", _sink, _time, Window, maxAhead: 100);
        sequencer.Resume(new StreamPosition(0, "e1"), recovered: false, missed: null, since: null);
        return sequencer;
    }

    private static void Push(EventSequencer sequencer, params long[] offsets)
    {
        foreach (var offset in offsets)
        {
            sequencer.Push(Event(offset));
        }
    }

    private static ChannelEvent Queued(string id) =>
        new() { Channel = "c", Event = "queued", Data = JsonSerializer.SerializeToElement(id), Id = id };

    private static ChannelEvent Event(long offset, string epoch = "e1") =>
        new() { Channel = "c", Event = "tick", Data = JsonSerializer.SerializeToElement(offset), Offset = offset, Epoch = epoch };

    private sealed class FakeSink : ISequencerSink
    {
        public List<long?> Delivered { get; } = [];

        public List<GapDetectedEventArgs> Gaps { get; } = [];

        public List<ChannelEvent> History { get; } = [];

        public int Fetches { get; private set; }

        public bool Fail { get; set; }

        public bool CanFetch => true;

        public Action<ChannelEvent>? OnDeliver { get; set; }

        public void Deliver(ChannelEvent @event)
        {
            Delivered.Add(@event.Offset);
            OnDeliver?.Invoke(@event);
        }

        public void Gap(GapDetectedEventArgs gap) => Gaps.Add(gap);

        public Task<HistoryResult?> FetchHistoryAsync(StreamPosition since, int limit, CancellationToken cancellationToken)
        {
            Fetches++;
            if (Fail)
            {
                return Task.FromException<HistoryResult?>(new ChannelException(ChannelErrorCodes.Unavailable, "down"));
            }

            var events = History.Where(e => e.Offset > since.Offset).OrderBy(e => e.Offset).Take(limit).ToArray();
            return Task.FromResult<HistoryResult?>(new HistoryResult { Events = events, Position = new StreamPosition(100, "e1") });
        }
    }
}
