using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;

namespace SignalRChannels.Queue.Internal;

/// <summary>
/// Checks an event as <see cref="IChannelBroadcaster"/> would, stamps its id (a version 7 GUID: unique, and sortable by
/// time) and acceptance time, and hands it to the store. Store failures become coded errors.
/// </summary>
internal sealed class ChannelQueue(
    IChannelQueueStore store,
    QueueMetrics metrics,
    IOptions<ChannelsOptions> options,
    IOptions<JsonHubProtocolOptions> jsonOptions,
    TimeProvider timeProvider) : IChannelQueue
{
    private readonly ChannelsOptions _options = options.Value;

    public async Task<string> EnqueueAsync(string channel, string eventName, object? data, string? toOthers = null, CancellationToken cancellationToken = default)
    {
        if (!ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);
        }

        if (!EventNames.IsValidAppEvent(eventName, _options.MaxEventNameLength, out error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, error!);
        }

        var now = timeProvider.GetUtcNow();
        var queued = new QueuedChannelEvent
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Channel = name.Value,
            Event = eventName,
            Data = EventPayload.FromServer(data, jsonOptions.Value.PayloadSerializerOptions, _options.MaxPayloadBytes).ToElement(),
            ToOthers = toOthers,
            EnqueuedAt = now.ToUnixTimeMilliseconds(),
        };
        await StoreAsync(queued, cancellationToken).ConfigureAwait(false);
        return queued.Id;
    }

    public ValueTask<IReadOnlyList<DeadLetteredEvent>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return store.ReadDeadLettersAsync(maxCount, cancellationToken);
    }

    public async Task ReplayDeadLetterAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        await StoreAsync(deadLetter.Event, cancellationToken).ConfigureAwait(false);
        await store.DeleteDeadLetterAsync(deadLetter.Id, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<bool> DeleteDeadLetterAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return store.DeleteDeadLetterAsync(deadLetter.Id, cancellationToken);
    }

    private async Task StoreAsync(QueuedChannelEvent queued, CancellationToken cancellationToken)
    {
        try
        {
            await store.EnqueueAsync(queued, cancellationToken).ConfigureAwait(false);
            metrics.Enqueued();
        }
        catch (ChannelException ex)
        {
            metrics.Rejected(ex.Code);
            throw;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            metrics.Rejected(ChannelErrorCodes.Unavailable);
            throw new ChannelException(ChannelErrorCodes.Unavailable, $"'{queued.Channel}': the queue did not accept the event (its store is unavailable); enqueue it again");
        }
    }
}
