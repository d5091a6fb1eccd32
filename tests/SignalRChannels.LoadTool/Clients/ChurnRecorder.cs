namespace SignalRChannels.LoadTool.Clients;

/// <summary>Counts the <c>member:joined</c> and <c>member:left</c> events the steady members of churn rooms receive.</summary>
internal sealed class ChurnRecorder(long startedAt) : IDeliverySink
{
    private long _received;
    private long _expected = long.MaxValue;
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Sets how many events the trial should bring; the task completes when they have all arrived.</summary>
    public Task ExpectAsync(long expected)
    {
        Interlocked.Exchange(ref _expected, expected);
        if (Received >= expected)
        {
            _complete.TrySetResult();
        }

        return _complete.Task;
    }

    public void OnDelivery(int client, long sentTimestamp, long receivedTimestamp)
    {
    }

    public void OnMemberJoined(int client, string memberId, long receivedTimestamp) => Count(receivedTimestamp);

    public void OnMemberLeft(int client, long receivedTimestamp) => Count(receivedTimestamp);

    private void Count(long receivedTimestamp)
    {
        if (receivedTimestamp >= startedAt && Interlocked.Increment(ref _received) >= Interlocked.Read(ref _expected))
        {
            _complete.TrySetResult();
        }
    }
}
