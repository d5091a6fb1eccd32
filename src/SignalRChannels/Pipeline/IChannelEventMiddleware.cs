namespace SignalRChannels;

/// <summary>
/// Publish middleware (in the manner of SignalR's <c>IHubFilter</c>): every event passes it before fan-out, server
/// publishes, whispers and presence events alike (<see cref="ChannelEventContext.Kind"/> tells which). It may enrich or
/// transform the event (<see cref="ChannelEventContext.Data"/>, <see cref="ChannelEventContext.EventName"/>), or drop it
/// (<see cref="ChannelEventContext.Drop"/>, or simply not calling <c>next</c>).
/// </summary>
/// <remarks>
/// <para>Registered with <c>channels.UseMiddleware&lt;T&gt;()</c> globally or for a channel pattern, applied in
/// registration order, created once from DI when the first event is published (a singleton: create a scope for
/// scoped services). The chain is composed once; nothing of it is allocated per publish.</para>
/// <para>Guarantees: the event is sent after the whole chain has returned, once, with what the context holds then.
/// A middleware that throws drops that event only; it is logged and counted, and the publisher gets a
/// <see cref="ChannelException"/> (<c>event_failed</c>). A dropped whisper is answered with <c>event_dropped</c>.
/// Presence events are never dropped or renamed: a drop, a rename or a throw is logged and the event is sent as it
/// stood (unchanged after a throw), since a lost <c>member:left</c> would leave a ghost member on every client.</para>
/// <para>The middleware runs on the node that publishes, before the event gets its history offset, so other nodes
/// and the history receive the event as the chain left it.</para>
/// </remarks>
public interface IChannelEventMiddleware
{
    /// <summary>Inspects or changes an event, then calls <paramref name="next"/> to pass it on.</summary>
    /// <param name="context">The event.</param>
    /// <param name="next">The rest of the chain.</param>
    /// <returns>A task that completes when this middleware (and what it called) is done.</returns>
    ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next);
}
