namespace SignalRChannels.Pipeline;

/// <summary>An inline middleware registered as a delegate.</summary>
internal sealed class DelegateMiddleware(Func<ChannelEventContext, ChannelEventDelegate, ValueTask> invoke) : IChannelEventMiddleware
{
    public ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next) => invoke(context, next);
}
