using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Limits;

/// <summary>
/// Counts this node's connections and refuses new ones past <see cref="ConnectionLimitOptions.MaxConnections"/> with
/// HTTP 429, before SignalR sees the request. A WebSocket or server-sent-events request lasts as long as its connection,
/// so it holds a slot for its whole life, taken atomically (no overshoot when many connect at once); long polling has
/// no such request, so <see cref="LongPollingConnectionCounter"/> counts those connections and negotiation checks the total.
/// </summary>
internal sealed class ConnectionAdmission(IOptions<ConnectionLimitOptions> options, ILogger<ConnectionAdmission> logger)
{
    internal const string RefusalMessage = "limit_exceeded: this node accepts no more connections; retry later or on another node";

    private readonly int _max = options.Value.MaxConnections ?? int.MaxValue;
    private readonly string _retryAfter = ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    private int _open;

    /// <summary>The connections this node holds now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Wraps the request delegates of a mapped hub with the admission check, when a limit is registered.</summary>
    public static void Attach(IEndpointConventionBuilder hub, IServiceProvider services)
    {
        if (services.GetService<ConnectionAdmission>() is not { } admission)
        {
            return;
        }

        hub.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = context => admission.InvokeAsync(context, inner);
            }
        });
    }

    public void LongPollingConnected() => Interlocked.Increment(ref _open);

    public void LongPollingDisconnected() => Interlocked.Decrement(ref _open);

    private Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true)
        {
            return OpenConnections >= _max ? RefuseAsync(context) : next(context);
        }

        var holdsConnection = IsWebSocketRequest(context)
            || (HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal));
        return holdsConnection ? HoldAsync(context, next) : next(context);
    }

    /// <summary>
    /// A WebSocket handshake (HTTP/1.1 upgrade or HTTP/2 extended CONNECT). Read from the request itself: the
    /// WebSockets middleware, and with it <c>HttpContext.WebSockets</c>, runs later, inside SignalR's endpoint.
    /// </summary>
    private static bool IsWebSocketRequest(HttpContext context) =>
        context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            ? string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)
            : HttpMethods.IsGet(context.Request.Method)
                && context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    private async Task HoldAsync(HttpContext context, RequestDelegate next)
    {
        if (Interlocked.Increment(ref _open) > _max)
        {
            Interlocked.Decrement(ref _open);
            await RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private Task RefuseAsync(HttpContext context)
    {
        ConnectionLimitLog.Refused(logger, _max);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = _retryAfter;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(RefusalMessage, context.RequestAborted);
    }
}
