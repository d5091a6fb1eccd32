namespace SignalRChannels.Pusher;

/// <summary>Options of the Pusher protocol endpoint and HTTP API.</summary>
public sealed class PusherOptions
{
    /// <summary>
    /// The apps served. The first one is the default app: its channels are the channels SignalR clients see. The
    /// channels of any other app are a separate namespace. At least one app is required.
    /// </summary>
    public IList<PusherApp> Apps { get; } = [];

    /// <summary>
    /// The <c>activity_timeout</c> told to clients, after which an idle client pings; the server pings a client it has
    /// not heard from for this long. The default is 120 seconds (Pusher's).
    /// </summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long the server waits for any message after it pinged an idle client before it closes the connection with
    /// code 4201. The default is 30 seconds.
    /// </summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest WebSocket message a client may send; larger ones close the connection (1009). The default is 10 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 10 * 1024;

    /// <summary>How far the <c>auth_timestamp</c> of an HTTP API request may be from the server clock. The default is 600 seconds (Pusher's).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>
    /// The most bytes a client's outgoing queue may hold before the server closes it as too slow to keep up (4100,
    /// reconnect after a delay). The default is 1 MiB.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 1024 * 1024;
}
