namespace SignalRChannels;

/// <summary>
/// Declares an event a typed channel (<see cref="ChannelAttribute"/>) carries: its payload type and its name. Repeat it
/// for each event.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BroadcastsAttribute : Attribute
{
    /// <summary>Declares an event.</summary>
    /// <param name="payload">
    /// The payload type: an <see cref="IBroadcastEvent"/> (its payload is itself unless it overrides
    /// <c>BroadcastWith</c>, which the generator cannot see: declare the payload type then) or any type the app publishes.
    /// </param>
    public BroadcastsAttribute(Type payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Payload = payload;
    }

    /// <summary>The payload type.</summary>
    public Type Payload { get; }

    /// <summary>The event name; the default is the payload type's name, as <see cref="IBroadcastEvent.BroadcastAs"/>'s default.</summary>
    public string? Name { get; set; }
}
