namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// Pings a Pusher client that has been silent for the activity timeout and closes it (4201) when the pong does not
/// come; pings the hub at its keep-alive interval so SignalR's client timeout never fires for a quiet Pusher client.
/// </summary>
internal sealed class PusherKeepAlive
{
    private readonly PusherOptions _options;
    private readonly TimeSpan _hubKeepAlive;
    private readonly PusherOutbox _outbox;
    private readonly HubBridge _bridge;
    private readonly TimeProvider _time;
    private long _lastReceived;

    public PusherKeepAlive(PusherOptions options, TimeSpan hubKeepAlive, PusherOutbox outbox, HubBridge bridge, TimeProvider time)
    {
        _options = options;
        _hubKeepAlive = hubKeepAlive;
        _outbox = outbox;
        _bridge = bridge;
        _time = time;
        _lastReceived = time.GetTimestamp();
    }

    /// <summary>Notes that the client sent something now.</summary>
    public void MarkReceived() => Volatile.Write(ref _lastReceived, _time.GetTimestamp());

    public async Task RunAsync(CancellationToken token)
    {
        var lastHubPing = _time.GetTimestamp();
        long? pingedAt = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var now = _time.GetTimestamp();
                var lastReceived = Volatile.Read(ref _lastReceived);
                if (pingedAt is { } pinged)
                {
                    if (lastReceived >= pinged)
                    {
                        pingedAt = null;
                    }
                    else if (_time.GetElapsedTime(pinged, now) >= _options.PongTimeout)
                    {
                        _outbox.RequestClose(4201, "Pong reply not received");
                        return;
                    }
                }
                else if (_time.GetElapsedTime(lastReceived, now) >= _options.ActivityTimeout)
                {
                    pingedAt = now;
                    _outbox.Enqueue(PusherFrames.Event("pusher:ping", null, "{}"));
                }

                if (_time.GetElapsedTime(lastHubPing, now) >= _hubKeepAlive)
                {
                    lastHubPing = now;
                    await _bridge.PingAsync().ConfigureAwait(false);
                }

                var wait = pingedAt is { } p
                    ? _options.PongTimeout - _time.GetElapsedTime(p, now)
                    : _options.ActivityTimeout - _time.GetElapsedTime(lastReceived, now);
                var untilHubPing = _hubKeepAlive - _time.GetElapsedTime(lastHubPing, now);
                wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, Math.Min(wait.Ticks, untilHubPing.Ticks)));
                await Task.Delay(wait, _time, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
