using Microsoft.Extensions.Hosting;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Cluster;

/// <summary>
/// Subscribes this node to the command bus in the background when the host starts (never on the connection
/// path, where a blocking subscribe under a burst of connections starved the thread pool), until it stops.
/// </summary>
internal sealed class ChannelCommandListener(IChannelCommandBus bus, Revocations revocations) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => bus.SubscribeAsync(revocations.ApplyAsync, stoppingToken);
}
