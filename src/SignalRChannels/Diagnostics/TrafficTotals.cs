namespace SignalRChannels.Diagnostics;

/// <summary>
/// The node's traffic for the meter: the live connections' counters and the totals of the closed ones, summed only
/// when a listener collects, so a delivery never touches state shared between connections. Sums are monotonic: a
/// connection's counters move to the closed totals under the same lock the sum takes.
/// </summary>
internal sealed class TrafficTotals
{
    private readonly Lock _gate = new();
    private readonly HashSet<ConnectionTraffic> _live = [];
    private Sums _closed;

    public ConnectionTraffic Open()
    {
        var traffic = new ConnectionTraffic();
        lock (_gate)
        {
            _live.Add(traffic);
        }

        return traffic;
    }

    public void Close(ConnectionTraffic traffic)
    {
        lock (_gate)
        {
            if (_live.Remove(traffic))
            {
                _closed = _closed.Add(traffic);
            }
        }
    }

    public Sums Sum()
    {
        lock (_gate)
        {
            var sums = _closed;
            foreach (var traffic in _live)
            {
                sums = sums.Add(traffic);
            }

            return sums;
        }
    }

    public readonly record struct Sums(long BytesReceived, long BytesSent, long Invocations, long MessagesSent)
    {
        public Sums Add(ConnectionTraffic traffic) => new(
            BytesReceived + traffic.BytesReceived,
            BytesSent + traffic.BytesSent,
            Invocations + traffic.Invocations,
            MessagesSent + traffic.MessagesSent);
    }
}
