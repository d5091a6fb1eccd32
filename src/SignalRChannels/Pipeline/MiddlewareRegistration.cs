namespace SignalRChannels.Pipeline;

/// <summary>One <c>UseMiddleware</c> call: the pattern it is limited to (null for every channel) and how to create it.</summary>
internal sealed record MiddlewareRegistration(ChannelPattern? Pattern, Func<IServiceProvider, IChannelEventMiddleware> Create);
