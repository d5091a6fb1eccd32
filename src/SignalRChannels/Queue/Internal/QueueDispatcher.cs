using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using SignalRChannels.Pipeline;

namespace SignalRChannels.Queue.Internal;

/// <summary>
/// Publishes one queued event through the <see cref="PublishPipeline"/> (history append keyed by the event id, then
/// fan-out), retrying failures with exponential backoff and jitter up to the limit, then dead-letters it; then
/// removes it from the queue. Store calls of its own (acknowledge, dead-letter) are retried until they succeed or the
/// node stops: an event leaves the queue only once it was published or recorded as a dead letter.
/// </summary>
internal sealed partial class QueueDispatcher
{
    private readonly PublishPipeline _pipeline;
    private readonly IChannelQueueStore _store;
    private readonly QueueMetrics _metrics;
    private readonly IEnumerable<IChannelDeadLetterHandler> _handlers;
    private readonly ChannelsOptions _channelsOptions;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _publishRetry;
    private readonly ResiliencePipeline _storeRetry;

    public QueueDispatcher(
        PublishPipeline pipeline,
        IChannelQueueStore store,
        QueueMetrics metrics,
        IEnumerable<IChannelDeadLetterHandler> handlers,
        IOptions<QueuedBroadcastingOptions> options,
        IOptions<ChannelsOptions> channelsOptions,
        TimeProvider timeProvider,
        ILogger<QueueDispatcher> logger)
    {
        _pipeline = pipeline;
        _store = store;
        _metrics = metrics;
        _handlers = handlers;
        _channelsOptions = channelsOptions.Value;
        _logger = logger;
        var value = options.Value;
        _publishRetry = value.MaxRetryAttempts == 0
            ? ResiliencePipeline.Empty
            : Retry(value, value.MaxRetryAttempts, timeProvider, args =>
            {
                metrics.Retried();
                Log.PublishRetried(logger, args.Outcome.Exception, args.AttemptNumber + 1);
            });
        _storeRetry = Retry(value, int.MaxValue, timeProvider, args => Log.StoreRetried(logger, args.Outcome.Exception));
    }

    /// <summary>
    /// Publishes a channel's events (oldest first, one history append for them all), or, when that keeps failing,
    /// each on its own, dead-letting what still fails; returns their removal from the queue (started, not awaited, so
    /// the channel's next events need not wait for it). Returns early only when the node stops.
    /// </summary>
    public async Task<Task> DeliverAsync(IReadOnlyList<QueuedChannelEvent> batch, CancellationToken stopping)
    {
        var attempts = new StrongBox<int>();
        try
        {
            await _publishRetry.ExecuteAsync(
                async (state, token) =>
                {
                    state.Attempts.Value++;
                    await state.Dispatcher.PublishAsync(state.Batch, token).ConfigureAwait(false);
                },
                (Dispatcher: this, Batch: batch, Attempts: attempts),
                stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            if (batch.Count == 1)
            {
                await DeadLetterAsync(batch[0], ex, attempts.Value, stopping).ConfigureAwait(false);
                return Task.CompletedTask;
            }

            // Find the event that fails: each on its own, with its own retries (an append is idempotent by id).
            var removals = new List<Task>(batch.Count);
            foreach (var queued in batch)
            {
                removals.Add(await DeliverAsync([queued], stopping).ConfigureAwait(false));
            }

            return Task.WhenAll(removals);
        }

        var acknowledgements = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            _metrics.Delivered(batch[i].EnqueuedAt);
            acknowledgements[i] = _storeRetry.ExecuteAsync(
                static (s, token) => s.Store.AcknowledgeAsync(s.Queued, token), (Store: _store, Queued: batch[i]), stopping).AsTask();
        }

        return Task.WhenAll(acknowledgements);
    }

    private Task PublishAsync(IReadOnlyList<QueuedChannelEvent> batch, CancellationToken cancellationToken)
    {
        if (!ChannelName.TryParse(batch[0].Channel, _channelsOptions.MaxChannelNameLength, out var channel, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);
        }

        var envelopes = new ChannelEvent[batch.Count];
        var excluded = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var queued = batch[i];
            envelopes[i] = new ChannelEvent { Channel = channel.Value, Event = queued.Event, Data = queued.Data, Timestamp = queued.EnqueuedAt, Id = queued.Id };
            excluded[i] = queued.ToOthers;
        }

        return _pipeline.PublishManyAsync(channel, envelopes, excluded, cancellationToken);
    }

    private async Task DeadLetterAsync(QueuedChannelEvent queued, Exception failure, int attempts, CancellationToken stopping)
    {
        var reason = failure is ChannelException coded ? coded.Message : $"{ChannelErrorCodes.Unavailable}: {failure.GetType().Name}: {failure.Message}";
        var deadLetter = await _storeRetry.ExecuteAsync(
            static (s, token) => s.Store.DeadLetterAsync(s.Queued, s.Reason, s.Attempts, token),
            (Store: _store, Queued: queued, Reason: reason, Attempts: attempts),
            stopping).ConfigureAwait(false);
        _metrics.DeadLettered();
        Log.DeadLettered(_logger, failure, queued.Id, queued.Channel, attempts);
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.OnDeadLetteredAsync(deadLetter, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                Log.HandlerFailed(_logger, ex, handler.GetType().Name);
            }
        }
    }

    private static ResiliencePipeline Retry(QueuedBroadcastingOptions options, int attempts, TimeProvider timeProvider, Action<OnRetryArguments<object>> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                // A coded refusal other than unavailable (a bad channel name) will not get better by waiting.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex =>
                    ex is not OperationCanceledException && (ex is not ChannelException coded || coded.Code == ChannelErrorCodes.Unavailable)),
                OnRetry = args =>
                {
                    onRetry(args);
                    return default;
                },
            })
            .Build();

    private static partial class Log
    {
        [LoggerMessage(160, LogLevel.Debug, "Publishing a queued event failed; retry {Attempt}.")]
        public static partial void PublishRetried(ILogger logger, Exception? exception, int attempt);

        [LoggerMessage(161, LogLevel.Warning, "The queue store failed to record a delivery; retrying.")]
        public static partial void StoreRetried(ILogger logger, Exception? exception);

        [LoggerMessage(162, LogLevel.Error, "Queued event {EventId} on {Channel} was dead-lettered after {Attempts} attempts.")]
        public static partial void DeadLettered(ILogger logger, Exception exception, string eventId, string channel, int attempts);

        [LoggerMessage(163, LogLevel.Error, "Dead-letter handler {Handler} failed.")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string handler);
    }
}
