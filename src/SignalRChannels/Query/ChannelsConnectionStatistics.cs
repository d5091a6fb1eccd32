namespace SignalRChannels;

/// <summary>One connection's statistics, as <see cref="IChannelsQuery.GetConnectionStatistics"/> reports them.</summary>
public sealed record ChannelsConnectionStatistics
{
    /// <summary>Who, where, since when, over which transport and protocol.</summary>
    public required ChannelsConnectionInfo Connection { get; init; }

    /// <summary>The channels the connection is subscribed to, ordered by name.</summary>
    public required IReadOnlyList<string> Subscriptions { get; init; }

    /// <summary>Hub invocations the client made (subscribes, publishes, whispers, heartbeats, the app's own methods).</summary>
    public long InvocationsReceived { get; init; }

    /// <summary>Messages written to the connection: events, invocation results and keep-alive pings.</summary>
    public long MessagesSent { get; init; }

    /// <summary>Bytes read from the connection's transport (the handshake included).</summary>
    public long BytesReceived { get; init; }

    /// <summary>Bytes written to the connection's transport.</summary>
    public long BytesSent { get; init; }

    /// <summary>When the client's last <c>Heartbeat</c> arrived, if it sent any.</summary>
    public DateTimeOffset? LastHeartbeatAt { get; init; }

    /// <summary>The round-trip time the client measured and reported with its last heartbeat, if any.</summary>
    public TimeSpan? LastRoundTrip { get; init; }
}
