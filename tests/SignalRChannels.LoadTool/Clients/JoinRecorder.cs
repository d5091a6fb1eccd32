using System.Collections.Concurrent;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>Measures join → <c>member:joined</c> at every observer, one joiner at a time.</summary>
internal sealed class JoinRecorder(int observers) : IDeliverySink
{
    private readonly ConcurrentDictionary<string, Expected> _expected = new(StringComparer.Ordinal);
    private readonly List<long> _latencies = [];

    /// <summary>Registers a joiner just before its <c>Subscribe</c> goes out; the task completes when every observer saw it.</summary>
    public Task Expect(string memberId, long sentAt)
    {
        var expected = new Expected(sentAt);
        _expected[memberId] = expected;
        return expected.AllSeen.Task;
    }

    public void OnDelivery(int client, long sentTimestamp, long receivedTimestamp)
    {
    }

    public void OnMemberJoined(int client, string memberId, long receivedTimestamp)
    {
        if (!_expected.TryGetValue(memberId, out var expected))
        {
            return;
        }

        lock (_latencies)
        {
            _latencies.Add(receivedTimestamp - expected.SentAt);
        }

        if (Interlocked.Increment(ref expected.Seen) == observers)
        {
            expected.AllSeen.TrySetResult();
        }
    }

    public LatencySummary Latency()
    {
        lock (_latencies)
        {
            return LatencySummary.From(_latencies);
        }
    }

    private sealed class Expected(long sentAt)
    {
        public long SentAt { get; } = sentAt;

        public int Seen;

        public TaskCompletionSource AllSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
