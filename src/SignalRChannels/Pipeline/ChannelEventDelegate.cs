namespace SignalRChannels;

/// <summary>The rest of the publish middleware chain; calling it passes the event on.</summary>
/// <param name="context">The event on its way to the fan-out.</param>
/// <returns>A task that completes when the rest of the chain has run.</returns>
public delegate ValueTask ChannelEventDelegate(ChannelEventContext context);
