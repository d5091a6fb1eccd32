namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// Counts one trial's deliveries and keeps their latencies (per client, so receive loops never contend on a list).
/// Events sent before the trial started (late stragglers of an earlier one) are ignored.
/// </summary>
internal sealed class DeliveryRecorder : IDeliverySink
{
    private readonly List<long>[] _latencies;
    private readonly long[] _lastReceived;
    private readonly long _expected;
    private readonly long _startedAt;
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _received;

    public DeliveryRecorder(int clients, long expected, long startedAt)
    {
        _latencies = Enumerable.Range(0, clients).Select(_ => new List<long>()).ToArray();
        _lastReceived = new long[clients];
        _expected = expected;
        _startedAt = startedAt;
        if (expected == 0)
        {
            _complete.TrySetResult();
        }
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Completes when every expected delivery has arrived.</summary>
    public Task Complete => _complete.Task;

    public long LastReceivedAt => _lastReceived.Max();

    public void OnDelivery(int client, long sentTimestamp, long receivedTimestamp)
    {
        if (sentTimestamp < _startedAt)
        {
            return;
        }

        _latencies[client].Add(receivedTimestamp - sentTimestamp);
        _lastReceived[client] = receivedTimestamp;
        if (Interlocked.Increment(ref _received) == _expected)
        {
            _complete.TrySetResult();
        }
    }

    public void OnMemberJoined(int client, string memberId, long receivedTimestamp)
    {
    }

    public LatencySummary Latency() => LatencySummary.From(_latencies.SelectMany(l => l));
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P99, double Max)
{
    public static LatencySummary From(IEnumerable<long> ticks)
    {
        var sorted = ticks.ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(sorted);
        double At(double q) => LoadWire.TicksToMilliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);
        return new LatencySummary(sorted.Length, At(0.50), At(0.99), LoadWire.TicksToMilliseconds(sorted[^1]));
    }

    public static LatencySummary FromMilliseconds(IEnumerable<double> milliseconds) =>
        From(milliseconds.Select(ms => (long)(ms * System.Diagnostics.Stopwatch.Frequency / 1000.0)));
}
