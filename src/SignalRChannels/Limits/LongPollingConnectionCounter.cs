using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Limits;

/// <summary>
/// Counts long-polling connections for <see cref="ConnectionAdmission"/>: they have no request that lasts as long as
/// the connection, so they are counted from the hub's connect to its disconnect.
/// </summary>
internal sealed class LongPollingConnectionCounter(ConnectionAdmission admission) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context).ConfigureAwait(false);
        if (IsLongPolling(context))
        {
            admission.LongPollingConnected();
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (IsLongPolling(context))
        {
            admission.LongPollingDisconnected();
        }

        await next(context, exception).ConfigureAwait(false);
    }

    private static bool IsLongPolling(HubLifetimeContext context) =>
        context.Context.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.LongPolling;
}
