namespace SignalRChannels;

/// <summary>
/// A typed event that says where it goes and under which name (Laravel's <c>broadcastOn</c>, <c>broadcastAs</c> and
/// <c>broadcastWith</c>), published with one call: <c>broadcaster.PublishAsync(new OrderShipped(42))</c>.
/// </summary>
/// <example>
/// <code>
/// public sealed record OrderShipped(long OrderId) : IBroadcastEvent
/// {
///     public IEnumerable&lt;string&gt; BroadcastOn() => [$"private-orders.{OrderId}"];
/// }
/// </code>
/// </example>
public interface IBroadcastEvent
{
    /// <summary>The full names of the channels the event goes to (at least one), for example <c>private-orders.42</c>.</summary>
    /// <returns>The channels; duplicates are sent once.</returns>
    IEnumerable<string> BroadcastOn();

    /// <summary>The event name. The default is the type's name (<c>OrderShipped</c>).</summary>
    /// <returns>A valid app event name.</returns>
    string BroadcastAs() => GetType().Name;

    /// <summary>The payload. The default is the event itself, serialized with the hub's JSON options (camelCase by default).</summary>
    /// <returns>The payload.</returns>
    object? BroadcastWith() => this;
}
