namespace SignalRChannels;

/// <summary>
/// Declares a whisper (client event) of a typed private or presence channel (<see cref="ChannelAttribute"/>): its
/// payload type and its name without the <c>client-</c> prefix. Repeat it for each whisper.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class WhispersAttribute : Attribute
{
    /// <summary>Declares a whisper.</summary>
    /// <param name="payload">The payload type.</param>
    public WhispersAttribute(Type payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Payload = payload;
    }

    /// <summary>The payload type.</summary>
    public Type Payload { get; }

    /// <summary>The whisper name without <c>client-</c>; the default is the payload type's name with a lower-case first letter.</summary>
    public string? Name { get; set; }
}
