namespace SignalRChannels.Diagnostics;

/// <summary>
/// The node's running totals the dashboard samples (<see cref="Dashboard.DashboardSampler"/>): events published on
/// this node, and the heartbeat round-trip times reported since the last sample. Fed by <see cref="ChannelsMetrics"/>
/// whether or not a meter listener is enabled; the dashboard channel's own samples are not counted.
/// </summary>
internal sealed class NodeActivity
{
    private readonly Lock _roundTripGate = new();
    private long _published;
    private double _roundTripSum;
    private double _roundTripMax;
    private int _roundTrips;

    /// <summary>Events handed to the fan-out on this node since it started (server publishes, client and presence events).</summary>
    public long Published => Interlocked.Read(ref _published);

    public void OnPublished(ChannelName channel)
    {
        if (!Dashboard.DashboardChannel.Is(channel))
        {
            Interlocked.Increment(ref _published);
        }
    }

    public void OnRoundTrip(double milliseconds)
    {
        lock (_roundTripGate)
        {
            _roundTripSum += milliseconds;
            _roundTripMax = Math.Max(_roundTripMax, milliseconds);
            _roundTrips++;
        }
    }

    /// <summary>The round-trip times reported since the previous call, and starts over; null when none was.</summary>
    public RoundTrips? TakeRoundTrips()
    {
        lock (_roundTripGate)
        {
            if (_roundTrips == 0)
            {
                return null;
            }

            var taken = new RoundTrips(_roundTripSum / _roundTrips, _roundTripMax, _roundTrips);
            (_roundTripSum, _roundTripMax, _roundTrips) = (0, 0, 0);
            return taken;
        }
    }

    /// <summary>Heartbeat round-trip times of one sampling interval.</summary>
    public readonly record struct RoundTrips(double AverageMs, double MaxMs, int Count);
}
