using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// The slice of a SignalR <see cref="HubConnection"/> the client uses: the real one in production
/// (<see cref="HubChannelsConnection"/>), <see cref="NullChannelsConnection"/> in apps' unit tests.
/// </summary>
internal interface IChannelsConnection : IAsyncDisposable
{
    HubConnectionState State { get; }

    string? ConnectionId { get; }

    /// <summary>Raised when the connection closes, whether it was lost or stopped.</summary>
    event Func<Exception?, Task>? Closed;

    /// <summary>Registers the handler of the <c>ChannelEvent</c> client method.</summary>
    void OnChannelEvent(Action<ChannelEvent> handler);

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    Task<T> InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken);
}
