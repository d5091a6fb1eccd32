using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// Where a node reports the lifecycle events it is responsible for (the transitions its own store calls decided, so each
/// is reported by exactly one node): stamps each with an id, keeps the configured kinds, and hands it to every URL's
/// bounded queue. Reporting never blocks (it is called under the occupancy lock); a full queue drops, logs and counts.
/// Runs the URLs' send loops while the host runs.
/// </summary>
internal sealed partial class WebhookQueue : IHostedService, IAsyncDisposable, Query.IOccupancyTransitions
{
    private readonly WebhookOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly WebhookEndpoint[] _endpoints;
    private readonly HttpClient _http;
    private readonly IWebhookOutbox? _outbox;
    private readonly ILogger _logger;

    public WebhookQueue(
        IOptions<WebhookOptions> options,
        IEnumerable<IWebhookTargetSource> sources,
        TimeProvider timeProvider,
        WebhookMetrics metrics,
        ILogger<WebhookQueue> logger,
        IWebhookOutbox? outbox = null)
    {
        _outbox = outbox;
        _logger = logger;
        _options = options.Value;
        _timeProvider = timeProvider;
        // Timeouts are per attempt (RequestTimeout), on the app's TimeProvider.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };
        var targets = sources.SelectMany(s => s.GetTargets()).ToList();
        if (_options.Urls.Count > 0)
        {
            targets.Insert(0, new WebhookTarget(_options.Credentials, [.. _options.Urls], name => name));
        }

        _endpoints = targets
            .SelectMany(t => t.Urls.Select(url => new WebhookEndpoint(url, t, _http, _options, timeProvider, metrics, outbox, logger)))
            .ToArray();
        metrics.ObserveQueued(() => _endpoints.Sum(e => (long)e.Count));
    }

    /// <summary>Whether any URL gets webhooks; without one nothing is reported (and Redis is not asked to decide transitions).</summary>
    public bool Enabled => _endpoints.Length > 0;

    public void ChannelOccupied(ChannelName channel) => Report(WebhookEvent.ChannelOccupied, channel);

    public void ChannelVacated(ChannelName channel) => Report(WebhookEvent.ChannelVacated, channel);

    void Query.IOccupancyTransitions.Occupied(ChannelName channel) => ChannelOccupied(channel);

    void Query.IOccupancyTransitions.Vacated(ChannelName channel) => ChannelVacated(channel);

    public void MemberAdded(ChannelName channel, string userId) => Report(WebhookEvent.MemberAdded, channel, userId);

    public void MemberRemoved(ChannelName channel, string userId) => Report(WebhookEvent.MemberRemoved, channel, userId);

    public void ClientEvent(ChannelName channel, string eventName, JsonElement data, string socketId, string? userId)
    {
        if (Wants(WebhookEvent.ClientEvent))
        {
            // Pusher sends the data as a string: a client's string as it is, anything else as its JSON text.
            var text = data.ValueKind switch
            {
                JsonValueKind.String => data.GetString()!,
                JsonValueKind.Undefined => "null",
                _ => data.GetRawText(),
            };
            Enqueue(new WebhookEvent(NewId(), WebhookEvent.ClientEvent, channel.Value)
            {
                Event = eventName,
                Data = text,
                SocketId = socketId,
                UserId = channel.Kind == ChannelKind.Presence ? userId : null,
            });
        }
    }

    /// <summary>Takes back what this node's outbox still holds from an earlier life, then starts sending.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_outbox is not null && Enabled)
        {
            try
            {
                Restore(await _outbox.LoadAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.LoadFailed(_logger, ex);
            }
        }

        foreach (var endpoint in _endpoints)
        {
            endpoint.Start();
        }
    }

    /// <summary>
    /// Queues events taken over from an outbox (<see cref="IWebhookOutbox.Field"/> → event JSON), oldest first; they are
    /// in this node's outbox already. Events of a URL this node does not have are removed (nodes must be configured alike).
    /// </summary>
    public void Restore(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        Log.Restoring(_logger, entries.Count);
        foreach (var entry in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var separator = entry.Key.IndexOf('|', StringComparison.Ordinal);
            var endpointId = separator < 0 ? entry.Key : entry.Key[..separator];
            var endpoint = Array.Find(_endpoints, e => e.Id == endpointId);
            if (endpoint is not null && WebhookEvent.Parse(entry.Value) is { } restored)
            {
                endpoint.EnqueueRestored(restored);
            }
            else
            {
                Log.Unrestorable(_logger, entry.Key);
                _outbox?.Removed(endpointId, [separator < 0 ? string.Empty : entry.Key[(separator + 1)..]]);
            }
        }
    }

    /// <summary>Sends what is queued (events reported from now on are dropped) until the host's shutdown timeout ends it.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_endpoints.Select(e => e.StopAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_endpoints.Select(e => e.StopAsync(new CancellationToken(canceled: true)))).ConfigureAwait(false);
        _http.Dispose();
    }

    private bool Wants(string name) => (_options.Events & WebhookEvent.FlagOf(name)) != 0;

    private void Report(string name, ChannelName channel, string? userId = null)
    {
        if (Wants(name))
        {
            Enqueue(new WebhookEvent(NewId(), name, channel.Value) { UserId = userId });
        }
    }

    private void Enqueue(WebhookEvent webhookEvent)
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.TryEnqueue(webhookEvent, out _);
        }
    }

    // Version 7: unique across nodes without coordination, and sortable by creation time.
    private string NewId() => Guid.CreateVersion7(_timeProvider.GetUtcNow()).ToString("N");

    private static partial class Log
    {
        [LoggerMessage(186, LogLevel.Information, "Taking over {Count} webhook events from an outbox (a swept node's, or this node's earlier life).")]
        public static partial void Restoring(ILogger logger, int count);

        [LoggerMessage(187, LogLevel.Warning, "Webhook outbox entry {Field} names a URL this node does not send to, or is not an event; it is removed.")]
        public static partial void Unrestorable(ILogger logger, string field);

        [LoggerMessage(188, LogLevel.Warning, "Reading this node's webhook outbox failed; events it held from an earlier life of this node are not sent.")]
        public static partial void LoadFailed(ILogger logger, Exception exception);
    }
}
