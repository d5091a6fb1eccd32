using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client;

/// <summary>
/// A public channel the app listens to. Get one from <see cref="ChannelsClient.Channel"/>; it stays subscribed across
/// reconnects (re-authorized, missed events recovered) until left with <see cref="LeaveAsync"/> or
/// <see cref="ChannelsClient.LeaveAsync"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Handlers, <see cref="Events{T}"/> readers and the events of this class run on one dispatch loop per
/// subscription, one at a time and in order (an async handler is awaited before the next event), never on the
/// connection's receive loop. On history-enabled channels every offset reaches the app once, in order; an
/// unrecoverable hole is reported through <see cref="GapDetected"/> at the place it happened.
/// </remarks>
public class ChannelSubscription
{
    private readonly HandlerList _handlers = new();
    private readonly DispatchQueue _queue;
    private readonly EventSequencer _sequencer;
    private readonly SubscriptionStateMachine _machine;

    private protected ChannelSubscription(ChannelsClient client, string name)
    {
        Client = client;
        Name = name;
        _queue = new DispatchQueue(name, client.Logger, DispatchAsync);
        _sequencer = new EventSequencer(
            name,
            new Sink(this),
            client.TimeProvider,
            client.Options.ReorderWindow,
            client.Options.MaxEventsAhead);
        _machine = new SubscriptionStateMachine(name, _sequencer, _queue.Writer, OnHeldDuringSubscribe);
        _queue.Start();
    }

    internal static ChannelSubscription Create(ChannelsClient client, string name) => new(client, name);

    /// <summary>Raised when events of a history-enabled channel were lost for good; delivery carries on after the gap.</summary>
    public event EventHandler<GapDetectedEventArgs>? GapDetected;

    /// <summary>Raised each time a (re)subscription succeeds, before the events it recovered are delivered.</summary>
    public event EventHandler<SubscribedEventArgs>? Subscribed;

    /// <summary>Raised when the server refuses the subscription (for example <see cref="ChannelErrorCodes.Forbidden"/>); it is retried on the next reconnect.</summary>
    public event EventHandler<ChannelException>? SubscriptionFailed;

    /// <summary>Raised with the server's reason when the server removes the subscription (<c>channel:unsubscribed</c>); it is not resubscribed automatically.</summary>
    public event EventHandler<string>? Unsubscribed;

    /// <summary>The full channel name, with its kind prefix.</summary>
    public string Name { get; }

    /// <summary>The event filter the subscription was asked with (sorted, distinct), or <see langword="null"/> for every event.</summary>
    public IReadOnlyList<string>? EventFilter { get; private set; }

    /// <summary>Where the subscription stands.</summary>
    public SubscriptionState State => _machine.State;

    /// <summary>The position of the last event delivered to the app; <see langword="null"/> on channels without history.</summary>
    public StreamPosition? Position => _sequencer.LastPosition;

    private protected ChannelsClient Client { get; }

    /// <summary>
    /// Completes when the current (re)subscription attempt succeeds and its <see cref="Subscribed"/> event has run
    /// (presence <c>Members</c> are then filled); throws the <see cref="ChannelException"/> it failed with (for example
    /// <see cref="ChannelErrorCodes.Forbidden"/>). Waits across reconnects while disconnected.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes once subscribed.</returns>
    public Task WhenSubscribedAsync(CancellationToken cancellationToken = default) => _machine.WhenSubscribedAsync(cancellationToken);

    /// <summary>Calls <paramref name="handler"/> with the payload and envelope of every <paramref name="eventName"/> event.</summary>
    /// <typeparam name="T">The payload type, read with <see cref="ChannelsClientOptions.SerializerOptions"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="handler">Awaited before the next event is delivered.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable On<T>(string eventName, Func<T, ChannelEvent<T>, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return _handlers.Add(eventName, (e, _) =>
        {
            var typed = Typed<T>(e);
            return new ValueTask(handler(typed.Data, typed));
        });
    }

    /// <summary>Calls <paramref name="handler"/> with the payload of every <paramref name="eventName"/> event.</summary>
    /// <typeparam name="T">The payload type, read with <see cref="ChannelsClientOptions.SerializerOptions"/>.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="handler">Called before the next event is delivered.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable On<T>(string eventName, Action<T> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return _handlers.Add(eventName, (e, _) =>
        {
            handler(Typed<T>(e).Data);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Calls <paramref name="handler"/> with every event named after <typeparamref name="T"/>: the name a typed server event
    /// (<c>IBroadcastEvent</c>) gets by default, so <c>On&lt;OrderShipped&gt;(…)</c> receives <c>OrderShipped</c> events.
    /// </summary>
    /// <typeparam name="T">The payload type; its name is the event name.</typeparam>
    /// <param name="handler">Called before the next event is delivered.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable On<T>(Action<T> handler) => On(typeof(T).Name, handler);

    /// <summary>
    /// Reads events as an async stream through a bounded buffer (<see cref="ChannelsClientOptions.EventBufferCapacity"/>):
    /// a reader that falls behind makes this subscription's delivery wait; nothing is dropped. Events are captured from
    /// the first <c>MoveNextAsync</c> on; the stream ends when the channel is left.
    /// </summary>
    /// <typeparam name="T">The payload type (<see cref="JsonElement"/> for mixed events).</typeparam>
    /// <param name="eventName">One event name, or <see langword="null"/> for every app event (not presence, whisper or control events).</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in order.</returns>
    public async IAsyncEnumerable<ChannelEvent<T>> Events<T>(string? eventName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = System.Threading.Channels.Channel.CreateBounded<ChannelEvent<T>>(new BoundedChannelOptions(Client.Options.EventBufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var registration = _handlers.Add(
            eventName,
            async (e, token) =>
            {
                try
                {
                    await buffer.Writer.WriteAsync(Typed<T>(e), token).ConfigureAwait(false);
                }
                catch (ChannelClosedException)
                {
                    // The reader stopped; nothing to deliver to.
                }
            },
            () => buffer.Writer.TryComplete());
        await foreach (var item in buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Reads the channel's history (the channel must have history enabled on the server, and be subscribed).</summary>
    /// <typeparam name="T">The payload type (<see cref="JsonElement"/> for mixed events).</typeparam>
    /// <param name="since">Return events after this position (exclusive); <see langword="null"/> reads from the oldest retained event (or the newest when reversed).</param>
    /// <param name="limit">The most events to return; <see langword="null"/> means the server's maximum.</param>
    /// <param name="reverse">Newest first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stream's position and the events.</returns>
    /// <exception cref="ChannelException">The server refused (for example <see cref="ChannelErrorCodes.NotSubscribed"/>).</exception>
    public async Task<ChannelHistory<T>> HistoryAsync<T>(StreamPosition? since = null, int? limit = null, bool reverse = false, CancellationToken cancellationToken = default)
    {
        var result = await FetchHistoryAsync(since, limit, reverse ? true : null, cancellationToken).ConfigureAwait(false);
        return new ChannelHistory<T>(result?.Position?.ToPosition(), [.. (result?.Events ?? []).Select(Typed<T>)]);
    }

    /// <summary>Leaves the channel: unsubscribes on the server and drops every handler. Same as <see cref="ChannelsClient.LeaveChannelAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels waiting for the server.</param>
    /// <returns>A task that completes when the channel is left.</returns>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => Client.LeaveChannelAsync(Name, cancellationToken);

    internal SubscribeRequest? BeginSubscribe() => _machine.Begin();

    internal ChannelSubscription WithEvents(IReadOnlyList<string>? events)
    {
        EventFilter = events;
        return this;
    }

    internal void CompleteSubscribe(SubscribeRequest request, SubscribeResult result) => _machine.Complete(request, result);

    internal void FailSubscribe(SubscribeRequest request, ChannelException error) => _machine.Fail(request, error);

    /// <summary>The connection was lost: hold events until the resubscription.</summary>
    internal void Suspend() => _machine.Suspend();

    /// <summary>The latest Subscribe call, which a leave waits for so that its Unsubscribe reaches the server after it.</summary>
    internal Task PendingSubscribe { get; set; } = Task.CompletedTask;

    /// <summary>Whether the client should (re)subscribe this channel on connect.</summary>
    internal bool WantsSubscription => _machine.WantsSubscription;

    internal void Receive(ChannelEvent @event) => _machine.Receive(@event);

    /// <summary>Completes once the dispatch loop handled everything queued so far (or the channel was left).</summary>
    internal Task FlushAsync() => _queue.FlushAsync();

    /// <summary>The app left the channel: stop everything, end the readers.</summary>
    internal void Dispose()
    {
        if (!_machine.Leave())
        {
            return;
        }

        _queue.Stop();
        _handlers.Clear();
        ClearHandlers();
    }

    /// <summary>Drops the handlers a subclass keeps.</summary>
    private protected virtual void ClearHandlers()
    {
    }

    /// <summary>Notes an event that arrived while a (re)subscription was in flight; it is delivered after the result.</summary>
    private protected virtual void OnHeldDuringSubscribe(ChannelEvent @event)
    {
    }

    /// <summary>
    /// Applies the parts of a subscription result beyond the event stream (presence members, and where the rest of a
    /// cut member list starts). Runs in the dispatch order: events received meanwhile are dispatched after it.
    /// </summary>
    private protected virtual ValueTask OnSubscribedAsync(IReadOnlyList<PresenceMember>? members, string? membersNext, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>Forgets derived state when the server removes the subscription.</summary>
    private protected virtual void OnUnsubscribed()
    {
    }

    /// <summary>Handles the reserved events a subclass understands; returns <see langword="false"/> for the others.</summary>
    private protected virtual ValueTask<bool> DispatchReservedAsync(ChannelEvent @event, CancellationToken cancellationToken) =>
        ValueTask.FromResult(false);

    /// <summary>Runs one handler; one that throws is logged and does not stop the others.</summary>
    private protected async ValueTask InvokeAsync(HandlerList.Handler handler, ChannelEvent @event, CancellationToken cancellationToken)
    {
        try
        {
            await handler(@event, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            ChannelsClientLog.HandlerFailed(Client.Logger, Name, @event.Event ?? string.Empty, ex);
        }
    }

    /// <summary>Raises an event of this class; a handler that throws is logged.</summary>
    private protected void Raise<TArgs>(EventHandler<TArgs>? handlers, TArgs args, string what)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<TArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                ChannelsClientLog.HandlerFailed(Client.Logger, Name, what, ex);
            }
        }
    }

    /// <summary>Reads a wire event as the app's type.</summary>
    private protected ChannelEvent<T> Typed<T>(ChannelEvent @event) =>
        ChannelEventReader.Read<T>(@event, Name, Client.Options.SerializerOptions, _sequencer.LastPosition?.Epoch);

    private async Task<HistoryResult?> FetchHistoryAsync(StreamPosition? since, int? limit, bool? reverse, CancellationToken cancellationToken)
    {
        var options = new HistoryOptions { Since = since, Limit = limit, Reverse = reverse };
        return await Client.InvokeChannelMethodAsync<HistoryResult?>(ChannelHubMethods.GetHistory, [Name, options], Name, cancellationToken)
            .ConfigureAwait(false);
    }

    private async ValueTask DispatchAsync(DispatchItem item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case DispatchItem.Event { Value: var @event }:
                if (await DispatchReservedAsync(@event, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var name = @event.Event ?? string.Empty;
                foreach (var handler in _handlers.For(name, includeCatchAll: !EventNames.IsReserved(name)))
                {
                    await InvokeAsync(handler, @event, cancellationToken).ConfigureAwait(false);
                }

                break;
            case DispatchItem.Gap { Args: var gap }:
                if (GapDetected is null)
                {
                    ChannelsClientLog.Gap(Client.Logger, Name, gap);
                }

                Raise(GapDetected, gap, "GapDetected");
                break;
            case DispatchItem.Subscribed { Args: var args, Members: var members, MembersNext: var membersNext, Ready: var ready }:
                // Members are applied here, in order with the member events before and after the subscription.
                await OnSubscribedAsync(members, membersNext, cancellationToken).ConfigureAwait(false);
                Raise(Subscribed, args, "Subscribed");
                ready.TrySetResult();
                break;
            case DispatchItem.Failed { Error: var error, Ready: var ready }:
                ChannelsClientLog.SubscribeFailed(Client.Logger, Name, error.Message);
                Raise(SubscriptionFailed, error, "SubscriptionFailed");
                ready.TrySetException(error);
                break;
            case DispatchItem.Flush { Done: var done }:
                done.TrySetResult();
                break;
            case DispatchItem.Unsubscribed { Reason: var reason }:
                ChannelsClientLog.ServerUnsubscribed(Client.Logger, Name, reason);
                OnUnsubscribed();
                Raise(Unsubscribed, reason, "Unsubscribed");
                break;
        }
    }

    private sealed class Sink(ChannelSubscription owner) : ISequencerSink
    {
        public bool CanFetch => owner.State == SubscriptionState.Subscribed && owner.Client.State == ConnectionState.Connected;

        public void Deliver(ChannelEvent @event) => owner._queue.Writer.TryWrite(new DispatchItem.Event(@event));

        public void Gap(GapDetectedEventArgs gap) => owner._queue.Writer.TryWrite(new DispatchItem.Gap(gap));

        public Task<HistoryResult?> FetchHistoryAsync(StreamPosition since, int limit, CancellationToken cancellationToken) =>
            owner.FetchHistoryAsync(since, limit, reverse: null, cancellationToken);
    }
}
