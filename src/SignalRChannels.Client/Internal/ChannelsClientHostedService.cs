using Microsoft.Extensions.Hosting;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// Starts the singleton client with the host, in the background and with the reconnect policy, so that a hub that is
/// not up yet delays nothing and fails nothing; stops it with the host.
/// </summary>
internal sealed class ChannelsClientHostedService(ChannelsClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        client.StartInBackground();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => client.StopAsync(cancellationToken);
}
