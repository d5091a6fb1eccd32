using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Internal;

/// <summary>
/// Holds the clients of the hub mapped with <c>MapChannelHub</c>, so publishes from outside a hub reach it.
/// </summary>
internal sealed class HubClientsAccessor
{
    private IHubClients? _clients;
    private IGroupManager? _groups;
    private Type? _hubType;

    public IHubClients Clients => _clients
        ?? throw new InvalidOperationException("No channel hub is mapped. Call app.MapChannelHub<THub>(path) before publishing.");

    public IGroupManager Groups => _groups
        ?? throw new InvalidOperationException("No channel hub is mapped. Call app.MapChannelHub<THub>(path) first.");

    public bool IsMapped => _clients is not null;

    public void Set(Type hubType, IHubClients clients, IGroupManager groups)
    {
        if (_hubType is not null && _hubType != hubType)
        {
            throw new InvalidOperationException(
                $"Channel hub '{_hubType.Name}' is already mapped; one application serves channels from one hub type.");
        }

        _hubType = hubType;
        _clients = clients;
        _groups = groups;
    }
}
