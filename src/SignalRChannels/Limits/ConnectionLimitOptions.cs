using System.ComponentModel.DataAnnotations;

namespace SignalRChannels;

/// <summary>
/// The per-node connection limit of <c>AddConnectionLimit()</c>. A node past its limit refuses new connections with
/// HTTP 429 before the WebSocket upgrade (or at negotiation), so a load balancer can send them to another node.
/// Validated at start-up.
/// </summary>
public sealed class ConnectionLimitOptions
{
    /// <summary>
    /// The most connections this node holds at once, every hub and transport together; <see langword="null"/> means no
    /// limit. The default is <see langword="null"/>.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? MaxConnections { get; set; }

    /// <summary>
    /// The delay a refused client is told to wait (the <c>Retry-After</c> header, whole seconds). The default is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
