using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// The one path every event takes from a publisher to subscribers: server publishes, whispers and presence
/// notices alike. It runs the publish middleware (when any applies to the channel), stamps the envelope once, appends it to the channel's history when history is on
/// (which assigns the offset), and hands it to SignalR's group send, which serializes it once per hub
/// protocol (not per recipient), locally and through the Redis backplane: once to the channel's group, and once to
/// the group of each event filter with subscribers that passes the event (none on channels without filters).
/// A history event is accepted once it is stored and its send has started: with a backplane, the publisher does not
/// also wait for the backplane's reply (a second round trip), since a stored event whose backplane message is lost still
/// reaches subscribers, from history (docs/guarantees.md).
/// </summary>
internal sealed partial class PublishPipeline(
    HubClientsAccessor hubs,
    ChannelRegistry registry,
    PublishMiddleware middleware,
    FilterInterest filterInterest,
    IChannelEventStore eventStore,
    ChannelSendLines lines,
    Diagnostics.ChannelsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<PublishPipeline> logger)
{
    // Per channel, the send of one history event starts only after the send of the event stored before it has started,
    // so a node sends a channel's events in offset order; appends wait in the channel's line and are committed in groups
    // (ChannelOrder). A slow store holds up its own channel only. Clients reorder across nodes (docs/guarantees.md).
    private readonly ChannelOrders _orders = new();

    public async Task PublishAsync(
        ChannelName channel,
        string eventName,
        EventData data,
        string? from,
        string? excludedConnectionId,
        CancellationToken cancellationToken,
        bool persist = true,
        string? eventId = null,
        long? acceptedAt = null)
    {
        if (middleware.AppliesTo(channel))
        {
            var kind = from is not null ? ChannelEventKind.Whisper
                : eventName.StartsWith(EventNames.MemberPrefix, StringComparison.Ordinal) ? ChannelEventKind.Presence
                : ChannelEventKind.Server;
            if (await middleware.RunAsync(channel, kind, eventName, data.ToElement(), from, cancellationToken).ConfigureAwait(false) is not { } passed)
            {
                return;
            }

            (eventName, var changed) = passed;
            data = changed;
        }

        var timestamp = acceptedAt ?? timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var policy = persist ? registry.HistoryFor(channel) : null;
        metrics.Published(channel, clientEvent: from is not null, persisted: policy is not null);
        if (policy is null && data.Utf8 is { } utf8)
        {
            // A live server publish: its payload goes out as the bytes it was serialized to.
            var raw = new RawChannelEvent(channel.Value, eventName, utf8, timestamp, eventId);
            await FanOutAsync(channel, eventName, raw, excludedConnectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var envelope = new ChannelEvent
        {
            Channel = channel.Value,
            Event = eventName,
            Data = data.ToElement(),
            Timestamp = timestamp,
            From = from,
            Id = eventId,
        };

        if (policy is null)
        {
            await FanOutAsync(channel, eventName, envelope, excludedConnectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var order = _orders.Enter(channel.Value);
        try
        {
            var sending = await StoreThenSendAsync(order, channel, [envelope], ReportedNames(channel, envelope), policy, [excludedConnectionId]).ConfigureAwait(false);
            if (hubs.SendsAreInProcess)
            {
                // The channel's send line (ChannelSendLines): completes with SignalR's send, or on a large channel once
                // the event is in line (once sent when the line is full): the back-pressure a publisher must feel.
                await sending.ConfigureAwait(false);
            }
            else
            {
                Observe(sending, channel);
            }
        }
        finally
        {
            _orders.Exit(channel.Value, order);
        }
    }

    /// <summary>
    /// A stored event's send to the backplane, which the publisher does not wait for: its failure is logged, and the
    /// event reaches subscribers from history (the next event's offset shows the hole, and a node whose backplane
    /// connection comes back hands out each history channel's newest event).
    /// </summary>
    private void Observe(Task sending, ChannelName channel)
    {
        if (sending.IsCompletedSuccessfully)
        {
            return;
        }

        sending.ContinueWith(
            static (send, state) =>
            {
                var (log, name) = ((ILogger, string))state!;
                LogBackplaneSendFailed(log, name, send.Exception!.GetBaseException());
            },
            (logger, channel.Value),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored event of {Channel} was not handed to the backplane; its subscribers get it from history.")]
    private static partial void LogBackplaneSendFailed(ILogger logger, string channel, Exception exception);

    /// <summary>
    /// Queues the events' append in the channel's line; once stored, and once the send of the channel's previous event
    /// has started, starts their sends in offset order. Completes with the sends, once started.
    /// </summary>
    private Task<Task> StoreThenSendAsync(
        ChannelOrder order, ChannelName channel, IReadOnlyList<ChannelEvent> envelopes, List<string>? reportedNames, HistoryPolicy policy, IReadOnlyList<string?> excludedConnectionIds)
    {
        lock (order)
        {
            var appended = order.Enqueue(envelopes, reportedNames, excludedConnectionIds, group => StoreAsync(channel, policy, group));
            var sendStarted = SendAfterAsync(order.LastSendStarted, appended, channel, excludedConnectionIds);
            order.LastSendStarted = sendStarted;
            return sendStarted;
        }
    }

    /// <summary>One store call for a group of a channel's waiting appends (<see cref="ChannelOrder"/>); completes each.</summary>
    private async Task StoreAsync(ChannelName channel, HistoryPolicy policy, List<PendingAppend> group)
    {
        if (CanAppendAndPublish(channel, group))
        {
            await AppendAndPublishAsync(channel, policy, group).ConfigureAwait(false);
            return;
        }

        if (group is [{ Events: [var single] } only])
        {
            if (only.ReportedNames is { } names)
            {
                var (stored, previous) = await eventStore.AppendAsync(channel, single, policy, names, CancellationToken.None).ConfigureAwait(false);
                only.Stored.TrySetResult([new Appended(stored, names, previous)]);
            }
            else
            {
                only.Stored.TrySetResult([new Appended(await eventStore.AppendAsync(channel, single, policy, CancellationToken.None).ConfigureAwait(false), null, null)]);
            }

            return;
        }

        var all = group.Count == 1 ? group[0].Events : [.. group.SelectMany(p => p.Events)];
        var appended = await eventStore.AppendManyAsync(channel, all, policy, CancellationToken.None).ConfigureAwait(false);
        var next = 0;
        foreach (var pending in group)
        {
            var results = new Appended[pending.Events.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = new Appended(appended[next++], null, null);
            }

            pending.Stored.TrySetResult(results);
        }
    }

    /// <summary>On channels with filtered subscribers, the names whose previous offset the store must report with this event.</summary>
    private List<string>? ReportedNames(ChannelName channel, ChannelEvent envelope)
    {
        var filters = filterInterest.FiltersOf(channel);
        if (filters.IsEmpty)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var (filter, _) in filters)
        {
            if (filter.Contains(envelope.Event))
            {
                names.AddRange(filter.Names.Where(n => !names.Contains(n, StringComparer.Ordinal)));
            }
        }

        return names.Count == 0 ? null : names;
    }

    /// <summary>Waits for the events' append and for the previous send to have started, then starts their sends.</summary>
    private async Task<Task> SendAfterAsync(Task previousSendStarted, Task<Appended[]> appended, ChannelName channel, IReadOnlyList<string?> excludedConnectionIds)
    {
        var stored = await appended.ConfigureAwait(false);
        try
        {
            await previousSendStarted.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The previous publish failed and reported it to its own caller; this one goes on.
        }

        if (stored is [var one])
        {
            return one.Published ? Task.CompletedTask : FanOutAsync(channel, one, excludedConnectionIds[0], CancellationToken.None);
        }

        var sends = new Task[stored.Length];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = stored[i].Published ? Task.CompletedTask : FanOutAsync(channel, stored[i], excludedConnectionIds[i], CancellationToken.None);
        }

        return Task.WhenAll(sends);
    }

    /// <summary>
    /// Publishes several events of one channel in order (the queue worker's waiting events): on a history-enabled
    /// channel without publish middleware or filtered subscribers, one store call appends them all, then their sends
    /// start in offset order, after the sends of earlier publishes to the channel have started. Otherwise each goes
    /// the way of <see cref="PublishAsync"/>, one after the other, so middleware and filters apply to queued events as
    /// to any other. Each envelope keeps its id and timestamp.
    /// </summary>
    public async Task PublishManyAsync(ChannelName channel, IReadOnlyList<ChannelEvent> envelopes, IReadOnlyList<string?> excludedConnectionIds, CancellationToken cancellationToken)
    {
        var policy = registry.HistoryFor(channel);
        if (policy is null || middleware.AppliesTo(channel) || !filterInterest.FiltersOf(channel).IsEmpty)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                var envelope = envelopes[i];
                await PublishAsync(
                    channel, envelope.Event, envelope.Data, from: null, excludedConnectionIds[i], cancellationToken,
                    eventId: envelope.Id, acceptedAt: envelope.Timestamp).ConfigureAwait(false);
            }

            return;
        }

        foreach (var _ in envelopes)
        {
            metrics.Published(channel, clientEvent: false, persisted: true);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var order = _orders.Enter(channel.Value);
        try
        {
            var sending = await StoreThenSendAsync(order, channel, envelopes, reportedNames: null, policy, excludedConnectionIds).ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }
        finally
        {
            _orders.Exit(channel.Value, order);
        }
    }
}
