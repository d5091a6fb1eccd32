using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;

namespace SignalRChannels.Draining;

/// <summary>
/// Knows this node's hub connections and closes them all as soon as the host starts stopping, so clients reconnect to
/// another node at once instead of when the server finally goes away (<see cref="HostOptions.ShutdownTimeout"/>).
/// </summary>
internal sealed class DrainingConnections : IHubFilter, IHostedService
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);
    private readonly IHostApplicationLifetime _lifetime;
    private CancellationTokenRegistration _stopping;

    public DrainingConnections(IHostApplicationLifetime lifetime) => _lifetime = lifetime;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = context.Context;
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Arrived while the others were being closed: close it too.
            context.Context.Abort();
        }

        await next(context).ConfigureAwait(false);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = _lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void CloseAll()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }
}
