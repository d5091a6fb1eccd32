using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// Sends <c>Subscribe</c>, <c>SubscribeMany</c> and <c>Unsubscribe</c> for subscriptions, and hands each answer back to
/// its subscription's state machine.
/// </summary>
internal sealed class ChannelSubscriber(IChannelsConnection connection, ILogger logger)
{
    /// <summary>
    /// Subscribes every channel that wants it after a connect: alone, or in <c>SubscribeMany</c> batches of channels with
    /// the same event filter (the call's <c>events</c> applies to all of its channels).
    /// </summary>
    public IEnumerable<Task> Resubscribe(ChannelSubscription[] wanted, int batchSize) =>
        wanted.GroupBy(s => EventFilterKey.Of(s.EventFilter), StringComparer.Ordinal)
            .SelectMany(group => group.Chunk(batchSize))
            .Select(batch => batch.Length == 1 ? SubscribeAsync(batch[0]) : SubscribeManyAsync(batch));

    public Task SubscribeAsync(ChannelSubscription subscription)
    {
        var request = subscription.BeginSubscribe();
        if (request is null)
        {
            return Task.CompletedTask;
        }

        var task = SubscribeCoreAsync(subscription, request);
        subscription.PendingSubscribe = task;
        return task;
    }

    /// <summary>Waits for a <c>Subscribe</c> still in flight, then unsubscribes if the client is connected.</summary>
    public async Task UnsubscribeAsync(ChannelSubscription subscription, Func<bool> isConnected, CancellationToken cancellationToken)
    {
        // A Subscribe still in flight would otherwise reach the server after the Unsubscribe.
        try
        {
            await subscription.PendingSubscribe.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
        }

        if (!isConnected())
        {
            return;
        }

        try
        {
            await connection.InvokeAsync<object?>(ChannelHubMethods.Unsubscribe, [subscription.Name], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The server drops the subscription with the connection anyway; nothing for the app to act on.
            ChannelsClientLog.UnsubscribeFailed(logger, subscription.Name, ex);
        }
    }

    private async Task SubscribeCoreAsync(ChannelSubscription subscription, SubscribeRequest request)
    {
        var events = subscription.EventFilter?.ToArray();
        var options = request.Since is null && events is null ? null : new SubscribeOptions { Since = request.Since, Events = events };
        try
        {
            var result = await connection.InvokeAsync<SubscribeResult>(ChannelHubMethods.Subscribe, [subscription.Name, options], CancellationToken.None)
                .ConfigureAwait(false);
            subscription.CompleteSubscribe(request, result);
        }
        catch (HubException ex)
        {
            subscription.FailSubscribe(request, ChannelException.From(ex, subscription.Name));
        }
        catch (Exception ex) when (connection.State != HubConnectionState.Connected)
        {
            // Suspended with the connection; the next connection resubscribes.
            ChannelsClientLog.SubscribeInterrupted(logger, subscription.Name, ex);
        }
        catch (Exception ex)
        {
            subscription.FailSubscribe(request, new ChannelException(ChannelErrorCodes.Unknown, ex.Message, subscription.Name, ex));
        }
    }

    /// <summary>Subscribes several channels in one <c>SubscribeMany</c> call; each result succeeds or fails on its own.</summary>
    private Task SubscribeManyAsync(ChannelSubscription[] subscriptions)
    {
        var started = new List<(ChannelSubscription Subscription, SubscribeRequest Request)>(subscriptions.Length);
        foreach (var subscription in subscriptions)
        {
            if (subscription.BeginSubscribe() is { } request)
            {
                started.Add((subscription, request));
            }
        }

        var task = started.Count switch
        {
            0 => Task.CompletedTask,
            _ => SubscribeManyCoreAsync(started),
        };
        foreach (var (subscription, _) in started)
        {
            subscription.PendingSubscribe = task;
        }

        return task;
    }

    private async Task SubscribeManyCoreAsync(List<(ChannelSubscription Subscription, SubscribeRequest Request)> batch)
    {
        Dictionary<string, StreamPosition?>? since = null;
        foreach (var (subscription, request) in batch)
        {
            if (request.Since is not null)
            {
                (since ??= new(StringComparer.Ordinal))[subscription.Name] = request.Since;
            }
        }

        var events = batch[0].Subscription.EventFilter?.ToArray();
        var options = since is null && events is null ? null : new SubscribeManyOptions { Since = since, Events = events };
        SubscribeResult?[] results;
        try
        {
            results = await connection.InvokeAsync<SubscribeResult?[]>(
                ChannelHubMethods.SubscribeMany, [batch.Select(b => b.Subscription.Name).ToArray(), options], CancellationToken.None).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            batch.ForEach(b => b.Subscription.FailSubscribe(b.Request, ChannelException.From(ex, b.Subscription.Name)));
            return;
        }
        catch (Exception ex) when (connection.State != HubConnectionState.Connected)
        {
            batch.ForEach(b => ChannelsClientLog.SubscribeInterrupted(logger, b.Subscription.Name, ex));
            return;
        }
        catch (Exception ex)
        {
            batch.ForEach(b => b.Subscription.FailSubscribe(b.Request, new ChannelException(ChannelErrorCodes.Unknown, ex.Message, b.Subscription.Name, ex)));
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var (subscription, request) = batch[i];
            var result = i < results.Length ? results[i] : null;
            if (result is null || (result.Channel is not null && result.Channel != subscription.Name))
            {
                subscription.FailSubscribe(request, new ChannelException(ChannelErrorCodes.Unknown, "SubscribeMany returned no matching result", subscription.Name));
            }
            else if (!string.IsNullOrEmpty(result.Error))
            {
                subscription.FailSubscribe(request, ChannelException.FromMessage(result.Error, subscription.Name));
            }
            else
            {
                subscription.CompleteSubscribe(request, result);
            }
        }
    }
}
