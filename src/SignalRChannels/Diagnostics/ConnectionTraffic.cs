namespace SignalRChannels.Diagnostics;

/// <summary>
/// One channel connection's traffic, counted where it crosses the transport (<see cref="CountingTransport"/>) and
/// where the hub dispatches its invocations; the meter sums them when it collects (<see cref="TrafficTotals"/>).
/// Thread-safe; uncontended (one connection's writes are serialized by SignalR).
/// </summary>
internal sealed class ConnectionTraffic
{
    private long _bytesReceived;
    private long _bytesSent;
    private long _messagesSent;
    private long _invocations;

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    public long Invocations => Interlocked.Read(ref _invocations);

    public void Received(long bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    public void Sent(long bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
    }

    /// <summary>SignalR flushes once per write: one message (an event, a result, a ping) or a batch of channel events.</summary>
    public void Flushed(int messages = 1)
    {
        Interlocked.Add(ref _messagesSent, messages);
    }

    public void Invoked()
    {
        Interlocked.Increment(ref _invocations);
    }
}
