using System.Text.Json;
using System.Threading.Channels;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// A subscription's state: the subscribe/resubscribe attempts and their outcomes, suspension with the connection,
/// removal by the server and leaving. Outcomes are queued for the dispatch loop, in order with the events.
/// </summary>
internal sealed class SubscriptionStateMachine(
    string name,
    EventSequencer sequencer,
    ChannelWriter<DispatchItem> queue,
    Action<ChannelEvent> heldDuringSubscribe)
{
    private readonly object _gate = new();
    // Volatile: read without the lock by the sequencer (which must never take this lock: it is taken after it).
    private volatile SubscriptionState _state = SubscriptionState.Subscribing;
    private int _attempt;
    private bool _everSubscribed;
    private TaskCompletionSource _ready = NewReady();

    // The outcome of an attempt completes _ready on the dispatch loop; a newer attempt needs a fresh one.
    private bool _readyHandedOff;

    public SubscriptionState State => _state;

    /// <summary>Whether the client should (re)subscribe this channel on connect.</summary>
    public bool WantsSubscription => _state is SubscriptionState.Subscribing or SubscriptionState.Failed;

    public Task WhenSubscribedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state == SubscriptionState.Left)
            {
                return Task.FromException(new ObjectDisposedException(name, "The channel was left."));
            }

            return _ready.Task.WaitAsync(cancellationToken);
        }
    }

    public SubscribeRequest? Begin()
    {
        lock (_gate)
        {
            if (_state is SubscriptionState.Left)
            {
                return null;
            }

            _attempt++;
            _state = SubscriptionState.Subscribing;
            RenewReady();

            sequencer.Hold();
            return new SubscribeRequest(_attempt, sequencer.LastPosition);
        }
    }

    public void Complete(SubscribeRequest request, SubscribeResult result)
    {
        lock (_gate)
        {
            if (request.Attempt != _attempt || _state != SubscriptionState.Subscribing)
            {
                return;
            }

            _state = SubscriptionState.Subscribed;
            var resubscribed = _everSubscribed;
            _everSubscribed = true;
            var current = result.Position?.ToPosition();
            var recovered = request.Since is not null && result.Recovered;
            queue.TryWrite(new DispatchItem.Subscribed(
                new SubscribedEventArgs(recovered ? request.Since : current, recovered, resubscribed),
                result.Members,
                result.MembersNext,
                _ready));
            _readyHandedOff = true;
            sequencer.Resume(current, result.Recovered, result.Missed, request.Since);
        }
    }

    public void Fail(SubscribeRequest request, ChannelException error)
    {
        lock (_gate)
        {
            if (request.Attempt != _attempt || _state != SubscriptionState.Subscribing)
            {
                return;
            }

            _state = SubscriptionState.Failed;
            queue.TryWrite(new DispatchItem.Failed(error, _ready));
            _readyHandedOff = true;
        }
    }

    /// <summary>The connection was lost: hold events until the resubscription.</summary>
    public void Suspend()
    {
        lock (_gate)
        {
            if (_state is SubscriptionState.Subscribed or SubscriptionState.Subscribing or SubscriptionState.Failed)
            {
                _attempt++;
                _state = SubscriptionState.Subscribing;
                RenewReady();

                sequencer.Hold();
            }
        }
    }

    public void Receive(ChannelEvent @event)
    {
        lock (_gate)
        {
            if (_state is not (SubscriptionState.Subscribed or SubscriptionState.Subscribing))
            {
                return;
            }

            if (@event.Event == EventNames.Unsubscribed)
            {
                _attempt++;
                _state = SubscriptionState.Unsubscribed;
                sequencer.Hold();
                var reason = @event.Data.ValueKind == JsonValueKind.Object
                    && @event.Data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
                        ? r.GetString()! : "unsubscribed";
                queue.TryWrite(new DispatchItem.Unsubscribed(reason));
                return;
            }

            if (_state == SubscriptionState.Subscribing)
            {
                heldDuringSubscribe(@event);
            }

            sequencer.Push(@event);
        }
    }

    /// <summary>The app left the channel; returns <see langword="false"/> if it was already left.</summary>
    public bool Leave()
    {
        lock (_gate)
        {
            if (_state == SubscriptionState.Left)
            {
                return false;
            }

            _state = SubscriptionState.Left;
            _attempt++;
            sequencer.Dispose();
            _ready.TrySetException(new ObjectDisposedException(name, "The channel was left."));
            _ = _ready.Task.Exception;
            return true;
        }
    }

    private static TaskCompletionSource NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void RenewReady()
    {
        if (_ready.Task.IsCompleted || _readyHandedOff)
        {
            _ready = NewReady();
            _readyHandedOff = false;
        }
    }
}
