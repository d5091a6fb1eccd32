namespace SignalRChannels.LoadTool.Serve;

/// <summary>The channels server's hub: the <see cref="ChannelHub"/> protocol methods and nothing else.</summary>
internal sealed class LoadChannelHub : ChannelHub
{
}
