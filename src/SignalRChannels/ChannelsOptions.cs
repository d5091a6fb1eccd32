using System.ComponentModel.DataAnnotations;

namespace SignalRChannels;

/// <summary>
/// Limits and behaviour of channels. Validated at start-up.
/// </summary>
public sealed class ChannelsOptions
{
    /// <summary>The maximum length of a channel name, prefix included. The default is 200.</summary>
    [Range(16, 1024)]
    public int MaxChannelNameLength { get; set; } = ChannelName.DefaultMaxLength;

    /// <summary>The maximum number of channels one connection may subscribe to. The default is 100.</summary>
    [Range(1, 100_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>
    /// The maximum number of connections one user (SignalR's user identifier) may hold on this node; a connection past
    /// it is closed at connect with <c>limit_exceeded</c>. Anonymous connections are bounded by
    /// <see cref="ConnectionLimitOptions.MaxConnections"/> instead. The default is 100.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 100;

    /// <summary>The maximum length of an event name. The default is 100.</summary>
    [Range(8, 1024)]
    public int MaxEventNameLength { get; set; } = 100;

    /// <summary>The maximum size of a published event's payload, as UTF-8 JSON. The default is 64 KiB.</summary>
    [Range(64, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>The maximum nesting depth of a payload a client sends. The default is 32.</summary>
    [Range(1, 64)]
    public int MaxPayloadDepth { get; set; } = 32;

    /// <summary>The maximum number of event names in a subscription's event filter. The default is 32.</summary>
    [Range(1, 1024)]
    public int MaxEventFilterNames { get; set; } = 32;

    /// <summary>
    /// Whether public channels need a matching <see cref="ChannelsBuilder.Public"/> route too. The default is
    /// <see langword="false"/>: anyone may subscribe to a public channel.
    /// </summary>
    public bool RequirePublicChannelAuthorization { get; set; }

    /// <summary>
    /// How long an authorization callback may run before the subscription fails with <c>unavailable</c>.
    /// The default is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan AuthorizationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a channel connection may send nothing at all — no invocation, not even a SignalR ping — before the
    /// server closes it (its presence then leaves with reason <c>disconnected</c>). SignalR's own
    /// <c>ClientTimeoutInterval</c> starts only with a client's first ping; this bounds clients that never send one.
    /// Clients that ping (the official ones do, every 15 seconds by default) are never affected. The default is 60 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ClientSilenceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many client events (whispers) a connection may send per <see cref="WhisperWindow"/>. The default is 10.</summary>
    [Range(1, 10_000)]
    public int WhisperPermitLimit { get; set; } = 10;

    /// <summary>The window of <see cref="WhisperPermitLimit"/>. The default is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WhisperWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The maximum size of a client event's payload, as UTF-8 JSON. The default is 10 KB (10,240 bytes).</summary>
    [Range(16, 1024 * 1024)]
    public int MaxWhisperPayloadBytes { get; set; } = 10 * 1024;

    /// <summary>
    /// The most events a resubscribe may recover; a longer gap is answered with <c>recovered: false</c>.
    /// The default is 300.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxRecoveredEvents { get; set; } = 300;

    /// <summary>The most events one <c>GetHistory</c> call returns. The default is 1,000.</summary>
    [Range(1, 100_000)]
    public int MaxHistoryLimit { get; set; } = 1000;
}
