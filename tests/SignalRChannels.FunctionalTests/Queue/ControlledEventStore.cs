using SignalRChannels.Persistence.Internal;

namespace SignalRChannels.FunctionalTests.Queue;

/// <summary>
/// The shipped in-memory history store behind a switch the test holds: appends can wait at a gate (so the queue backs
/// up) or fail (as a store that is away would), to drive the queue worker's waiting, retries and dead letters.
/// </summary>
internal sealed class ControlledEventStore(TimeProvider timeProvider) : IChannelEventStore
{
    private readonly InMemoryChannelEventStore _inner = new(timeProvider);
    private TaskCompletionSource _gate = CompletedGate();
    private int _failuresLeft;
    private int _attempts;

    /// <summary>How many appends were attempted, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Appends wait until <see cref="Open"/>.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    /// <summary>The next <paramref name="count"/> appends throw, as a store that is away would (int.MaxValue: until changed).</summary>
    public void Fail(int count) => Volatile.Write(ref _failuresLeft, count);

    public async ValueTask<ChannelEvent> AppendAsync(ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        await _gate.Task.WaitAsync(cancellationToken);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException("the history store is away");
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        return await _inner.AppendAsync(channel, channelEvent, policy, cancellationToken);
    }

    public ValueTask<HistoryPage> ReadAsync(ChannelName channel, HistoryQuery query, CancellationToken cancellationToken) =>
        _inner.ReadAsync(channel, query, cancellationToken);

    public ValueTask<RecoveryResult> RecoverAsync(ChannelName channel, StreamPosition since, int maxEvents, CancellationToken cancellationToken) =>
        _inner.RecoverAsync(channel, since, maxEvents, cancellationToken);

    public ValueTask<StreamPosition> GetPositionAsync(ChannelName channel, CancellationToken cancellationToken) =>
        _inner.GetPositionAsync(channel, cancellationToken);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
