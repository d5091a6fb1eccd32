using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.Client;

/// <summary>Options of <see cref="ChannelsClient"/>.</summary>
public sealed class ChannelsClientOptions
{
    /// <summary>The absolute URL of the channel hub, for example <c>https://app.example.com/hubs/chat</c>. Required.</summary>
    [Required]
    public Uri? Url { get; set; }

    /// <summary>The hub protocol. The default is <see cref="ChannelsProtocol.Json"/>.</summary>
    public ChannelsProtocol Protocol { get; set; } = ChannelsProtocol.Json;

    /// <summary>Supplies the access token sent with every connection attempt (a bearer header, or <c>access_token</c> where headers are impossible); <see langword="null"/> sends none.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>The transports to try. The default is <see cref="HttpTransportType.WebSockets"/> only.</summary>
    public HttpTransportType Transports { get; set; } = HttpTransportType.WebSockets;

    /// <summary>
    /// Whether to skip negotiation and open the WebSocket directly (no sticky sessions needed behind a load balancer).
    /// Applies only when <see cref="Transports"/> is exactly WebSockets. The default is <see langword="true"/>.
    /// </summary>
    public bool SkipNegotiation { get; set; } = true;

    /// <summary>Extra HTTP headers sent with every request (not by browsers' WebSockets, which cannot).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reconnection after the connection is lost.</summary>
    public ReconnectOptions Reconnect { get; } = new();

    /// <summary>
    /// How long an event that arrived ahead of a missing offset waits for it before the hole is fetched from history.
    /// The default is 200 milliseconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many events may wait ahead of a missing offset before the hole is fetched at once. The default is 1000.</summary>
    [Range(1, 1_000_000)]
    public int MaxEventsAhead { get; set; } = 1000;

    /// <summary>
    /// The capacity of each <see cref="ChannelSubscription.Events{T}"/> reader's buffer. A full buffer makes the
    /// subscription's delivery wait (events are never dropped). The default is 1024.
    /// </summary>
    [Range(1, 1_000_000)]
    public int EventBufferCapacity { get; set; } = 1024;

    /// <summary>
    /// Channels per <c>SubscribeMany</c> call when the client (re)subscribes in bulk, on start and after each reconnect.
    /// The default is 50.
    /// </summary>
    [Range(1, 1000)]
    public int SubscribeBatchSize { get; set; } = 50;

    /// <summary>
    /// How often the client calls the server's optional <c>Heartbeat</c> method, which measures the round-trip time
    /// (<see cref="ChannelsClient.RoundTripTime"/>, reported to the server's RTT metric on the next beat) and tells the
    /// server the connection is alive. The first beat runs right after each connect. <see langword="null"/> turns
    /// heartbeats off; transport liveness is SignalR's keep-alive either way. The default is 15 seconds.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long <see cref="ChannelsClient.StopAsync"/> and disposal wait for the connection to close. The default is 5 seconds.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Serializes payloads the client sends (whispers) and reads payloads it receives into app types.
    /// The default is <see cref="JsonSerializerOptions.Web"/> (camelCase, case-insensitive), as the server writes them.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = JsonSerializerOptions.Web;

    /// <summary>
    /// Supplies the HTTP message handler (for example a test server's); <see langword="null"/> uses the default one.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>Last-chance changes to the SignalR connection builder (logging, keep-alive, server timeout, …).</summary>
    public Action<IHubConnectionBuilder>? ConfigureConnection { get; set; }
}
