using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.Client.Internal;

/// <summary>Invokes hub methods for the app and the subscriptions, mapping failures to <see cref="ChannelException"/>.</summary>
internal sealed class ChannelInvoker(IChannelsConnection connection)
{
    /// <summary>Invokes a hub method, turning server errors and a lost connection into <see cref="ChannelException"/>.</summary>
    public async Task<T> InvokeAsync<T>(string method, object?[] args, string? channel, CancellationToken cancellationToken)
    {
        if (connection.State != HubConnectionState.Connected)
        {
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the client is not connected", channel);
        }

        try
        {
            return await connection.InvokeAsync<T>(method, args, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw ChannelException.From(ex, channel);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException
            && !cancellationToken.IsCancellationRequested)
        {
            // The connection went away under the invocation.
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection was lost", channel, ex);
        }
    }
}
