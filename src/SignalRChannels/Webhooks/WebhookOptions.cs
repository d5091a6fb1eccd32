using System.ComponentModel.DataAnnotations;

namespace SignalRChannels;

/// <summary>
/// Options of webhooks (<c>AddWebhooks</c>): where lifecycle events are POSTed, how they are signed, batched, retried
/// and bounded. Validated at start-up. Every node of a cluster must use the same options.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// The absolute <c>http</c> or <c>https</c> URLs every batch is POSTed to. Each URL gets every batch, with its own
    /// queue and retries, so a failing receiver does not hold up the others. At least one is required.
    /// </summary>
    public IList<Uri> Urls { get; } = [];

    /// <summary>
    /// The app whose <see cref="ChannelsAppCredentials.Key"/> goes in <c>X-Pusher-Key</c> and whose
    /// <see cref="ChannelsAppCredentials.Secret"/> signs the body (<c>X-Pusher-Signature</c>). A Pusher endpoint's
    /// <c>PusherApp</c> can be used as it is. Key and secret are required.
    /// </summary>
    public ChannelsAppCredentials Credentials { get; set; } = new();

    /// <summary>The events to send. The default is <see cref="WebhookEvents.All"/>.</summary>
    public WebhookEvents Events { get; set; } = WebhookEvents.All;

    /// <summary>The most events in one request. The default is 100.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a node waits, once an event is ready, for more to join its batch. Zero sends at once (events that arrive
    /// while a request is in flight still go out together in the next one). The default is zero.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BatchInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The most events one node holds per URL, waiting or being sent. Past it new events are dropped, logged and counted
    /// (<c>signalrchannels.webhooks.events</c> with <c>outcome</c> <c>dropped</c>). The default is 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How many times a batch is sent again after a failure that may pass (a connection error, a timeout, <c>408</c>,
    /// <c>429</c> or a <c>5xx</c> answer). Other <c>4xx</c> answers are not retried. The default is 8, about four
    /// minutes with the default delays (Pusher retries for five).
    /// </summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The delay before the first retry; later ones double, with jitter. The default is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest delay between two retries; a <c>Retry-After</c> header is honoured up to it. The default is 60 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may take before it counts as failed (and is retried). The default is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
