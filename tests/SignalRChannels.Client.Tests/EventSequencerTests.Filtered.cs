using System.Text.Json;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client.Tests;

/// <summary>Filtered subscriptions: holes covered by <c>prevOffset</c> are filtered out, not lost; real losses are still gaps.</summary>
public sealed partial class EventSequencerTests
{
    [Fact]
    public void Filtered_HolesCoveredByPrevOffset_AreDeliveredAtOnce_WithoutFetchOrGap()
    {
        var sequencer = Started();

        sequencer.Push(Filtered(3, prev: 0));
        sequencer.Push(Filtered(7, prev: 3));
        _time.Advance(Window * 2);

        Assert.Equal([3, 7], _sink.Delivered);
        Assert.Equal(0, _sink.Fetches);
        Assert.Empty(_sink.Gaps);
        Assert.Equal(new StreamPosition(7, "e1"), sequencer.LastPosition);
    }

    [Fact]
    public void Filtered_OutOfOrder_IsReorderedByPrevOffset()
    {
        var sequencer = Started();

        sequencer.Push(Filtered(7, prev: 3));
        Assert.Empty(_sink.Delivered);
        sequencer.Push(Filtered(3, prev: 0));

        Assert.Equal([3, 7], _sink.Delivered);
        _time.Advance(Window * 2);
        Assert.Equal(0, _sink.Fetches);
    }

    [Fact]
    public void Filtered_MissedMatchingEvent_IsFetchedFromFilteredHistory_WithoutGap()
    {
        var sequencer = Started();
        _sink.History.Add(Filtered(3, prev: 0));

        sequencer.Push(Filtered(7, prev: 3));
        _time.Advance(Window);

        Assert.Equal([3, 7], _sink.Delivered);
        Assert.Equal(1, _sink.Fetches);
        Assert.Empty(_sink.Gaps);
    }

    [Fact]
    public void Filtered_MissedMatchingEventHistoryLacks_IsReportedAsGapUpToItsOffset()
    {
        var sequencer = Started();

        sequencer.Push(Filtered(7, prev: 3));
        _time.Advance(Window);

        Assert.Equal([7], _sink.Delivered);
        var gap = Assert.Single(_sink.Gaps);
        Assert.Equal((GapReason.HistoryIncomplete, 1L, 3L), (gap.Reason, gap.FromOffset, gap.ToOffset));
    }

    [Fact]
    public void Filtered_Recovery_WithHolesInMissed_DeliversEverythingWithoutGap()
    {
        var sequencer = new EventSequencer("c", _sink, _time, Window, maxAhead: 100);

        sequencer.Resume(new StreamPosition(9, "e1"), recovered: true, missed: [Filtered(4, prev: 2), Filtered(8, prev: 4)], since: new StreamPosition(2, "e1"));
        _time.Advance(Window * 2);

        Assert.Equal([4, 8], _sink.Delivered);
        Assert.Empty(_sink.Gaps);
        Assert.Equal(0, _sink.Fetches);
    }

    private static ChannelEvent Filtered(long offset, long prev) =>
        new() { Channel = "c", Event = "A", Data = JsonSerializer.SerializeToElement(offset), Offset = offset, Epoch = "e1", PrevOffset = prev };
}
