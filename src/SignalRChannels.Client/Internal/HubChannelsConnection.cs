using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.Client.Internal;

/// <summary>The production connection: a SignalR <see cref="HubConnection"/>.</summary>
internal sealed class HubChannelsConnection(HubConnection connection) : IChannelsConnection
{
    public HubConnectionState State => connection.State;

    public string? ConnectionId => connection.ConnectionId;

    public event Func<Exception?, Task>? Closed
    {
        add => connection.Closed += value;
        remove => connection.Closed -= value;
    }

    public void OnChannelEvent(Action<ChannelEvent> handler) => connection.On(ChannelHubMethods.ChannelEvent, handler);

    public Task StartAsync(CancellationToken cancellationToken) => connection.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => connection.StopAsync(cancellationToken);

    public Task<T> InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken) =>
        connection.InvokeCoreAsync<T>(method, args, cancellationToken);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
