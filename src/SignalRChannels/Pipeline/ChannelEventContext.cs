using System.Text.Json;
using SignalRChannels.Internal;

namespace SignalRChannels;

/// <summary>
/// One event on its way through the publish middleware (<see cref="IChannelEventMiddleware"/>): where it goes, what
/// it is, and what the chain has done to it so far. Changes made here are what subscribers and the history receive.
/// </summary>
public sealed class ChannelEventContext
{
    private readonly JsonSerializerOptions _payloadOptions;
    private readonly int _maxEventNameLength;
    private string _eventName;
    private JsonElement _data;

    internal ChannelEventContext(
        ChannelName channel,
        ChannelEventKind kind,
        string eventName,
        JsonElement data,
        string? from,
        IServiceProvider services,
        JsonSerializerOptions payloadOptions,
        int maxEventNameLength,
        CancellationToken cancellationToken)
    {
        Channel = channel;
        Kind = kind;
        _eventName = eventName;
        _data = data;
        From = from;
        Services = services;
        _payloadOptions = payloadOptions;
        _maxEventNameLength = maxEventNameLength;
        CancellationToken = cancellationToken;
    }

    /// <summary>The channel the event is published to.</summary>
    public ChannelName Channel { get; }

    /// <summary>Whether this is a server publish, a whisper or a presence event.</summary>
    public ChannelEventKind Kind { get; }

    /// <summary>
    /// The event name. A server event may be renamed to another valid app event name, a whisper to another
    /// <c>client-…</c> name; presence events cannot be renamed (<see cref="InvalidOperationException"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The new name is not valid for this kind of event.</exception>
    /// <exception cref="InvalidOperationException">The event is a presence event.</exception>
    public string EventName
    {
        get => _eventName;
        set
        {
            if (Kind == ChannelEventKind.Presence)
            {
                throw new InvalidOperationException($"Presence event '{_eventName}' cannot be renamed.");
            }

            string? error;
            var valid = Kind == ChannelEventKind.Whisper
                ? value is not null && value.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal)
                    && EventNames.IsWellFormed(value, _maxEventNameLength, out error)
                : EventNames.IsValidAppEvent(value, _maxEventNameLength, out error);
            if (!valid)
            {
                throw new ArgumentException($"'{value}' is not a valid name for a {Kind} event.", nameof(value));
            }

            _eventName = value!;
        }
    }

    /// <summary>The payload as JSON, as subscribers will receive it. Set it to transform the event.</summary>
    public JsonElement Data
    {
        get => _data;
        set => _data = value.ValueKind == JsonValueKind.Undefined ? EventPayload.Null : value;
    }

    /// <summary>For whispers, the sender (member id, user id or anonymous alias); null for other events.</summary>
    public string? From { get; }

    /// <summary>The application's services (the root provider: create a scope for scoped services).</summary>
    public IServiceProvider Services { get; }

    /// <summary>The publisher's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Why the event was dropped, or null while it is not.</summary>
    public string? DropReason { get; private set; }

    /// <summary>Whether a middleware dropped the event.</summary>
    public bool IsDropped => DropReason is not null;

    /// <summary>Reads the payload as <typeparamref name="T"/>, with the hub's JSON options.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <returns>The payload, or default for a JSON null.</returns>
    public T? GetData<T>() => _data.Deserialize<T>(_payloadOptions);

    /// <summary>Replaces the payload with <paramref name="value"/>, serialized with the hub's JSON options (camelCase by default).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="value">The new payload.</param>
    public void SetData<T>(T value) => _data = EventPayload.ToElement(value, _payloadOptions);

    /// <summary>
    /// Drops the event: it is not sent, not stored, logged and counted. A whisper's sender gets <c>event_dropped</c>
    /// with <paramref name="reason"/>; a server publish returns normally.
    /// </summary>
    /// <param name="reason">Why, for logs and the whisper sender; keep it free of secrets.</param>
    /// <exception cref="InvalidOperationException">The event is a presence event.</exception>
    public void Drop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (Kind == ChannelEventKind.Presence)
        {
            throw new InvalidOperationException($"Presence event '{_eventName}' cannot be dropped.");
        }

        DropReason = reason;
    }

    /// <summary>Set by the end of the chain: the event was passed on by every middleware.</summary>
    internal bool PassedOn { get; set; }
}
