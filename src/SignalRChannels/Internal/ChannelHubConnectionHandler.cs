using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Abstractions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Internal;

/// <summary>
/// SignalR's connection handler, registered in its place for every hub: a <see cref="ChannelHub"/> gets hub
/// protocols that answer unbindable arguments with a coded error and write event batches (<see cref="ChannelHubProtocol"/>); any other
/// hub in the app gets SignalR's own resolver, untouched. Channel connections are also watched for silence
/// (<see cref="Heartbeat.SilentConnectionMonitor"/>) and their traffic counted (<see cref="Diagnostics.CountingTransport"/>);
/// while one uses stateful reconnect, channel events are not batched (<see cref="HubClientsAccessor.SendsMayBatch"/>).
/// </summary>
// Ten dependencies: the constructor of SignalR's HubConnectionHandler<THub>, passed through, the silence monitor, the
// traffic totals and the hub's clients.
internal sealed class ChannelHubConnectionHandler<THub>(
    HubLifetimeManager<THub> lifetimeManager,
    IHubProtocolResolver protocolResolver,
    IOptions<HubOptions> globalHubOptions,
    IOptions<HubOptions<THub>> hubOptions,
    ILoggerFactory loggerFactory,
    IUserIdProvider userIdProvider,
    IServiceScopeFactory serviceScopeFactory,
    Heartbeat.SilentConnectionMonitor silenceMonitor,
    Diagnostics.TrafficTotals traffic,
    HubClientsAccessor hubs)
    : HubConnectionHandler<THub>(
        lifetimeManager,
        s_isChannelHub ? new ChannelHubProtocolResolver(protocolResolver) : protocolResolver,
        globalHubOptions,
        hubOptions,
        loggerFactory,
        userIdProvider,
        serviceScopeFactory)
    where THub : Hub
{
    private static readonly bool s_isChannelHub = typeof(ChannelHub).IsAssignableFrom(typeof(THub));

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (!s_isChannelHub)
        {
            await base.OnConnectedAsync(connection).ConfigureAwait(false);
            return;
        }

        var counted = traffic.Open();
        Diagnostics.CountingTransport.Wrap(connection, counted);
        silenceMonitor.Watch(connection);
#pragma warning disable CA2252 // A preview interface: only asked whether SignalR set it (it does for connections that negotiated stateful reconnect).
        var statefulReconnect = connection.Features.Get<IStatefulReconnectFeature>() is not null;
#pragma warning restore CA2252
        if (statefulReconnect)
        {
            hubs.StatefulReconnectConnected();
        }

        try
        {
            await base.OnConnectedAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            if (statefulReconnect)
            {
                hubs.StatefulReconnectDisconnected();
            }

            silenceMonitor.Forget(connection);
            traffic.Close(counted);
        }
    }
}
