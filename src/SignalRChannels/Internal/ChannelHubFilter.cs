using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Internal;

/// <summary>
/// Connects <see cref="ChannelHub"/> instances to the channel services, tracks connections, and turns
/// errors into coded <see cref="HubException"/>s so no internal detail reaches a client.
/// </summary>
internal sealed class ChannelHubFilter(
    ChannelHubServices services,
    Subscriptions.ConnectionLifecycle lifecycle,
    ILogger<ChannelHubFilter> logger) : IHubFilter
{
    private static readonly HashSet<string> s_protocolMethods = new(StringComparer.Ordinal)
    {
        nameof(ChannelHub.Subscribe),
        nameof(ChannelHub.SubscribeMany),
        nameof(ChannelHub.Unsubscribe),
        nameof(ChannelHub.Whisper),
        nameof(ChannelHub.GetMembers),
        nameof(ChannelHub.GetHistory),
        nameof(ChannelHub.Heartbeat),
    };

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.Hub is not ChannelHub hub)
        {
            return await next(invocationContext).ConfigureAwait(false);
        }

        hub.Services = services;
        invocationContext.Context.Features.Get<Diagnostics.ConnectionTraffic>()?.Invoked();
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (ChannelException ex)
        {
            // Client-caused, so client-driven volume: Debug, and once (a denial was logged with its reason already).
            if (ex.Code != ChannelErrorCodes.Forbidden)
            {
                ChannelsLog.BadInput(logger, invocationContext.Context.ConnectionId, invocationContext.HubMethodName, ex.Message);
            }

            throw new HubException(ex.Message);
        }
        catch (Exception ex) when (ex is not HubException && s_protocolMethods.Contains(invocationContext.HubMethodName))
        {
            if (invocationContext.Context.ConnectionAborted.IsCancellationRequested)
            {
                throw new HubException($"{ChannelErrorCodes.Unavailable}: the connection is closing");
            }

            ChannelsLog.MethodFailed(logger, ex, invocationContext.HubMethodName, invocationContext.Context.ConnectionId);
            throw new HubException($"{ChannelErrorCodes.Unavailable}: the server could not complete the request");
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Hub is ChannelHub hub)
        {
            hub.Services = services;
            await lifecycle.OnConnectedAsync(Subscriptions.ChannelCaller.From(context.Context)).ConfigureAwait(false);
        }

        await next(context).ConfigureAwait(false);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Hub is ChannelHub hub)
        {
            hub.Services = services;
        }

        try
        {
            await next(context, exception).ConfigureAwait(false);
        }
        finally
        {
            if (context.Hub is ChannelHub)
            {
                try
                {
                    await lifecycle.OnDisconnectedAsync(context.Context.ConnectionId).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Presence of a node that cannot reach its store is cleaned up by the lease sweep instead.
                    ChannelsLog.MethodFailed(logger, ex, "OnDisconnected", context.Context.ConnectionId);
                }
            }
        }
    }
}
