namespace SignalRChannels.Diagnostics;

/// <summary>
/// One channel connection's traffic, counted where it crosses the transport (<see cref="CountingTransport"/>) and
/// where the hub dispatches its invocations; also fed to the node's aggregate instruments. Thread-safe.
/// </summary>
internal sealed class ConnectionTraffic(ChannelsMetrics metrics)
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
        metrics.Transferred(bytes, received: true);
    }

    public void Sent(long bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        metrics.Transferred(bytes, received: false);
    }

    /// <summary>SignalR flushes once per message it writes (events, results, pings).</summary>
    public void Flushed()
    {
        Interlocked.Increment(ref _messagesSent);
        metrics.Message(received: false);
    }

    public void Invoked()
    {
        Interlocked.Increment(ref _invocations);
        metrics.Message(received: true);
    }
}
