using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// One URL's bounded queue and send loop: takes up to <see cref="WebhookOptions.MaxBatchSize"/> events, signs the
/// batch, POSTs it, and retries failures that may pass with exponential backoff (Polly); a batch keeps its body, its
/// signature and its id across retries. A batch that still fails is logged and counted, and the loop moves on.
/// </summary>
internal sealed partial class WebhookEndpoint
{
    private readonly HttpClient _http;
    private readonly WebhookTarget _target;
    private readonly IWebhookOutbox? _outbox;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly WebhookMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<WebhookEvent> _queue;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;
    private bool _dropping;
    private Task? _loop;
    private Task? _stop;
    private WebhookEvent[] _interrupted = [];

    public WebhookEndpoint(
        Uri url,
        WebhookTarget target,
        HttpClient http,
        WebhookOptions options,
        TimeProvider timeProvider,
        WebhookMetrics metrics,
        IWebhookOutbox? outbox,
        ILogger logger)
    {
        Url = url;
        _target = target;
        _outbox = outbox;
        // The same on every node configured alike, so a node can take over another node's outbox.
        Id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url.AbsoluteUri + "\n" + target.Credentials.Key)))[..16];
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<WebhookEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _retry = options.MaxRetryAttempts == 0 ? ResiliencePipeline<HttpResponseMessage>.Empty : BuildRetry();
    }

    public Uri Url { get; }

    /// <summary>Names this URL and key in outboxes.</summary>
    public string Id { get; }

    /// <summary>Events waiting or being sent.</summary>
    public int Count => _queue.Reader.Count + Volatile.Read(ref _inFlight);

    /// <summary>
    /// Queues an event under the receiver's name of its channel unless the bound (waiting plus in flight) is reached;
    /// never blocks. <paramref name="skipped"/>: the channel is not the receiver's (another Pusher app's).
    /// </summary>
    public bool TryEnqueue(WebhookEvent webhookEvent, out bool skipped)
    {
        var channel = _target.ToExternal(webhookEvent.Channel);
        skipped = channel is null;
        if (channel is null)
        {
            return false;
        }

        var queued = channel == webhookEvent.Channel ? webhookEvent : webhookEvent with { Channel = channel };
        if (Count < _options.QueueCapacity)
        {
            // The copy is ordered before the event can be sent, so its removal after the send always comes after it.
            _outbox?.Added(Id, queued);
            if (_queue.Writer.TryWrite(queued))
            {
                Volatile.Write(ref _dropping, false);
                return true;
            }

            _outbox?.Removed(Id, [queued.Id]);
        }

        Dropped(webhookEvent);
        return false;
    }

    /// <summary>Queues an event taken over from an outbox (already under the receiver's name, and already in this node's outbox).</summary>
    public void EnqueueRestored(WebhookEvent webhookEvent)
    {
        if (Count < _options.QueueCapacity && _queue.Writer.TryWrite(webhookEvent))
        {
            return;
        }

        Dropped(webhookEvent);
        _outbox?.Removed(Id, [webhookEvent.Id]);
    }

    private void Dropped(WebhookEvent webhookEvent)
    {
        _metrics.Dropped(webhookEvent);
        // Logged when dropping starts, not per event: a flood must not flood the log too (the meter counts each).
        if (!Interlocked.Exchange(ref _dropping, true))
        {
            Log.Dropping(_logger, Url, _options.QueueCapacity, webhookEvent.Name, webhookEvent.Channel);
        }
    }

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Takes no more events, sends those queued, and gives up on the rest when <paramref name="cancellationToken"/> fires.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_queue)
        {
            return _stop ??= StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null && !cancellationToken.IsCancellationRequested)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var unsent = new List<WebhookEvent>(_interrupted);
        while (_queue.Reader.TryRead(out var queued))
        {
            unsent.Add(queued);
        }

        var left = unsent.Count;
        if (_outbox is null)
        {
            unsent.ForEach(_metrics.Dropped);
        }

        if (left > 0)
        {
            // With an outbox they stay in it: the node that sweeps this one sends them.
            Log.LeftUnsent(_logger, left, Url, _outbox is null ? "dropped" : "left in the outbox for the node that sweeps this one");
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        var reader = _queue.Reader;
        var batch = new List<WebhookEvent>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                if (_options.BatchInterval > TimeSpan.Zero)
                {
                    await Task.Delay(_options.BatchInterval, _timeProvider, stopping).ConfigureAwait(false);
                }

                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                Volatile.Write(ref _inFlight, batch.Count);
                await SendAsync(batch, stopping).ConfigureAwait(false);
                Volatile.Write(ref _inFlight, 0);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // A batch the stop interrupted: in the outbox still (Redis), else lost like the events left queued.
            _interrupted = batch.ToArray();
        }
    }

    private async Task SendAsync(List<WebhookEvent> batch, CancellationToken stopping)
    {
        var body = WebhookEvent.Serialize(batch, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var signature = WebhookSignature.Compute(_target.Credentials.Secret, body);
        var batchId = Guid.CreateVersion7(_timeProvider.GetUtcNow()).ToString("N");
        var state = (Endpoint: this, Body: body, Signature: signature, BatchId: batchId);
        HttpResponseMessage? response = null;
        try
        {
            response = await _retry.ExecuteAsync(
                static (s, token) => s.Endpoint.PostAsync(s.Body, s.Signature, s.BatchId, token),
                state,
                stopping).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                _metrics.Delivered(batch);
                Log.Delivered(_logger, batch.Count, Url, batchId);
            }
            else
            {
                _metrics.Failed(batch);
                Log.Refused(_logger, batch.Count, Url, batchId, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            _metrics.Failed(batch);
            Log.Failed(_logger, ex, batch.Count, Url, batchId);
        }
        finally
        {
            response?.Dispose();
        }

        // Done with, whatever the outcome; a batch interrupted by the node stopping stays for the node that sweeps it.
        if (!stopping.IsCancellationRequested)
        {
            _outbox?.Removed(Id, batch.Select(e => e.Id));
        }
    }

    private async ValueTask<HttpResponseMessage> PostAsync(byte[] body, string signature, string batchId, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.KeyHeader, _target.Credentials.Key);
        request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        request.Headers.Add(WebhookSignature.BatchIdHeader, batchId);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"The receiver did not answer within {_options.RequestTimeout}.");
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetry() =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException } => true,
                    { Result: { } response } => IsTransient(response.StatusCode),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _metrics.Retried();
                    Log.Retrying(_logger, args.Outcome.Exception, Url, (int?)args.Outcome.Result?.StatusCode, args.AttemptNumber + 1, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>A receiver's <c>Retry-After</c> (seconds or a date), capped by the options; null keeps the backoff.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - _timeProvider.GetUtcNow() : null);
        return delay is { } d && d > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(d.Ticks, _options.RetryMaxDelay.Ticks)) : null;
    }

    private static partial class Log
    {
        [LoggerMessage(181, LogLevel.Debug, "Webhook batch {BatchId} ({Count} events) delivered to {Url}.")]
        public static partial void Delivered(ILogger logger, int count, Uri url, string batchId);

        [LoggerMessage(182, LogLevel.Warning, "Webhook request to {Url} failed (status {Status}); retry {Attempt} in {Delay}.")]
        public static partial void Retrying(ILogger logger, Exception? exception, Uri url, int? status, int attempt, TimeSpan delay);

        [LoggerMessage(183, LogLevel.Error, "Webhook batch {BatchId} ({Count} events) to {Url} was refused with status {Status}; it is not sent again.")]
        public static partial void Refused(ILogger logger, int count, Uri url, string batchId, int status);

        [LoggerMessage(184, LogLevel.Error, "Webhook batch {BatchId} ({Count} events) to {Url} failed after the retries; it is not sent again.")]
        public static partial void Failed(ILogger logger, Exception exception, int count, Uri url, string batchId);

        [LoggerMessage(180, LogLevel.Warning, "Webhook events for {Url} are being dropped: {Capacity} already wait (first dropped: {Name} of {Channel}); see signalrchannels.webhooks.events.")]
        public static partial void Dropping(ILogger logger, Uri url, int capacity, string name, string channel);

        [LoggerMessage(185, LogLevel.Warning, "{Count} webhook events for {Url} were not sent before the node stopped: {Fate}.")]
        public static partial void LeftUnsent(ILogger logger, int count, Uri url, string fate);
    }
}
