namespace SignalRChannels;

/// <summary>
/// Declares a typed channel: a record deriving from <see cref="TypedChannel"/> whose properties fill the placeholders of
/// <see cref="Template"/>. The declaration is what the TypeScript generator (<c>SignalRChannels.TypeScript</c>) reads to
/// give the app's SPA a typed channel helper, the channel's event map (<see cref="BroadcastsAttribute"/>), its whispers
/// (<see cref="WhispersAttribute"/>) and, for presence channels, the member info type; and what payload validation
/// (<c>AddChannelContracts</c>) checks published events against.
/// </summary>
/// <example>
/// <code>
/// [Channel("private-orders.{orderId}")]
/// [Broadcasts(typeof(OrderShipped))]
/// public sealed record OrderChannel(long OrderId) : TypedChannel;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ChannelAttribute : Attribute
{
    /// <summary>Declares a typed channel.</summary>
    /// <param name="template">
    /// The full channel name with <c>{placeholder}</c>s, each one dot-free segment named after a property of the record
    /// (case-insensitive), for example <c>presence-chat.{room}</c>.
    /// </param>
    public ChannelAttribute(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        Template = template;
    }

    /// <summary>The full channel name with placeholders.</summary>
    public string Template { get; }

    /// <summary>For presence channels, the type of each member's <c>info</c>; <see langword="null"/> when undeclared.</summary>
    public Type? MemberInfo { get; set; }
}
