using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Limits;

/// <summary>
/// Counts this node's connections and refuses new ones past <see cref="ConnectionLimitOptions.MaxConnections"/> with
/// HTTP 429, before SignalR sees the request. A WebSocket or server-sent-events request lasts as long as its connection,
/// so it holds a slot for its whole life, taken atomically (no overshoot when many connect at once); long polling has
/// no such request, so <see cref="LongPollingConnectionCounter"/> counts those connections and negotiation checks the total.
/// Once the host is stopping (a graceful drain), every new connection is refused with HTTP 503.
/// </summary>
internal sealed class ConnectionAdmission(
    IOptions<ConnectionLimitOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ConnectionAdmission> logger)
{
    internal const string RefusalMessage = "limit_exceeded: this node accepts no more connections; retry later or on another node";
    internal const string DrainingMessage = "unavailable: this node is shutting down; connect to another node";

    private readonly int _max = options.Value.MaxConnections ?? int.MaxValue;
    private readonly string _retryAfter = ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    private int _open;

    /// <summary>The connections this node holds now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Wraps the request delegates of a mapped hub with the admission check, when a limit or draining is registered.</summary>
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
        if (lifetime.ApplicationStopping.IsCancellationRequested && StartsConnection(context))
        {
            // Draining (AddGracefulDrain), or any shutdown once admission is on: a load balancer retries elsewhere.
            return RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, DrainingMessage);
        }

        if (IsNegotiation(request))
        {
            return OpenConnections >= _max ? RefuseAsync(context, StatusCodes.Status429TooManyRequests, RefusalMessage) : next(context);
        }

        return IsWebSocketRequest(context) || IsEventStreamRequest(request) ? HoldAsync(context, next) : next(context);
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
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, RefusalMessage).ConfigureAwait(false);
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

    /// <summary>A request that would open a connection: a negotiation, or a WebSocket or SSE request.</summary>
    private static bool StartsConnection(HttpContext context) =>
        IsNegotiation(context.Request) || IsWebSocketRequest(context) || IsEventStreamRequest(context.Request);

    private static bool IsNegotiation(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true;

    private static bool IsEventStreamRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal);

    private Task RefuseAsync(HttpContext context, int status, string message)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            ConnectionLimitLog.Refused(logger, _max);
        }

        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = _retryAfter;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
