namespace SignalRChannels.Heartbeat;

/// <summary>
/// The optional <c>Heartbeat</c> hub method: records the round-trip time the client measured last time and
/// answers the server clock so it can measure the next one.
/// </summary>
internal sealed class ConnectionHeartbeat(Subscriptions.ConnectionRegistry connections, TimeProvider timeProvider, Diagnostics.ChannelsMetrics metrics)
{
    public long Beat(Subscriptions.ChannelCaller caller, double? roundTripMs)
    {
        var connection = connections.Get(caller.ConnectionId);
        if (roundTripMs is { } rtt && (double.IsNaN(rtt) || rtt < 0 || rtt > 600_000))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "roundTripMs must be 0 to 600000");
        }

        if (roundTripMs is { } measured)
        {
            metrics.RoundTrip(measured);
        }

        var now = timeProvider.GetUtcNow();
        connection.LastHeartbeat = (now, roundTripMs);
        return now.ToUnixTimeMilliseconds();
    }
}
