using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client;

/// <summary>
/// A private channel (<c>private-…</c>): the server authorizes every (re)subscription. Adds client events
/// ("whispers") to the other subscribers. Get one from <see cref="ChannelsClient.Private"/>.
/// </summary>
public class PrivateChannelSubscription : ChannelSubscription
{
    private readonly HandlerList _whisperHandlers = new();

    private protected PrivateChannelSubscription(ChannelsClient client, string name)
        : base(client, name)
    {
    }

    internal static new PrivateChannelSubscription Create(ChannelsClient client, string name) => new(client, name);

    /// <summary>
    /// Sends a client event to the other subscribers (never echoed back); they receive it as <c>client-&lt;event&gt;</c>
    /// with the server-stamped sender. The channel must be subscribed.
    /// </summary>
    /// <typeparam name="T">The payload type, written with <see cref="ChannelsClientOptions.SerializerOptions"/>.</typeparam>
    /// <param name="eventName">The event name, without <c>client-</c>.</param>
    /// <param name="data">The payload (10 KB at most by default).</param>
    /// <param name="cancellationToken">Cancels waiting for the server.</param>
    /// <returns>A task that completes when the server accepted the event.</returns>
    /// <exception cref="ChannelException"><see cref="ChannelErrorCodes.RateLimited"/>, <see cref="ChannelErrorCodes.PayloadTooLarge"/>, <see cref="ChannelErrorCodes.NotSubscribed"/>, …</exception>
    public Task WhisperAsync<T>(string eventName, T data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var payload = System.Text.Json.JsonSerializer.SerializeToElement(data, Client.Options.SerializerOptions);
        return Client.InvokeChannelMethodAsync<object?>(ChannelHubMethods.Whisper, [Name, eventName, payload], Name, cancellationToken);
    }

    /// <summary>Calls <paramref name="handler"/> with the payload and envelope (its <see cref="ChannelEvent{T}.From"/> is the sender) of every whisper named <paramref name="eventName"/>.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name as sent, without <c>client-</c>.</param>
    /// <param name="handler">Awaited before the next event is delivered.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable OnWhisper<T>(string eventName, Func<T, ChannelEvent<T>, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return _whisperHandlers.Add(eventName, (e, _) =>
        {
            var typed = Typed<T>(e);
            return new ValueTask(handler(typed.Data, typed));
        });
    }

    /// <summary>Calls <paramref name="handler"/> with the payload and the server-stamped sender of every whisper named <paramref name="eventName"/>.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name as sent, without <c>client-</c>.</param>
    /// <param name="handler">Receives the payload and the sender's member or user id.</param>
    /// <returns>Disposing it removes the handler.</returns>
    public IDisposable OnWhisper<T>(string eventName, Action<T, string?> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        return _whisperHandlers.Add(eventName, (e, _) =>
        {
            var typed = Typed<T>(e);
            handler(typed.Data, typed.From);
            return ValueTask.CompletedTask;
        });
    }

    private protected override async ValueTask<bool> DispatchReservedAsync(ChannelEvent @event, CancellationToken cancellationToken)
    {
        var name = @event.Event ?? string.Empty;
        if (!name.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal))
        {
            return await base.DispatchReservedAsync(@event, cancellationToken).ConfigureAwait(false);
        }

        foreach (var handler in _whisperHandlers.For(name[EventNames.ClientPrefix.Length..], includeCatchAll: false))
        {
            await InvokeAsync(handler, @event, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private protected override void ClearHandlers()
    {
        _whisperHandlers.Clear();
        base.ClearHandlers();
    }
}
