using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Authorization;

/// <summary>
/// Decides whether a connection may subscribe to a channel: deny by default for private and presence
/// channels; a matching route's policies, then its callback, must allow. Runs on every subscribe,
/// resubscribes after a reconnect included.
/// </summary>
internal sealed partial class ChannelAuthorizer(
    ChannelRegistry registry,
    IServiceScopeFactory scopeFactory,
    IOptions<ChannelsOptions> options,
    ILogger<ChannelAuthorizer> logger)
{
    private readonly ChannelsOptions _options = options.Value;

    public async ValueTask<ChannelAuthorizationResult> AuthorizeAsync(ChannelCaller caller, ChannelName channel, CancellationToken cancellationToken)
    {
        // A protocol gateway (the Pusher endpoint) that verified the subscription itself grants it through a feature.
        if (caller.Hub?.Features.Get<IChannelGrantFeature>() is { } grants && grants.TryGetGrant(channel, out var granted))
        {
            return ChannelAuthorizationResult.Allowed(granted);
        }

        var route = registry.FindRoute(channel, out var values);
        if (route is null)
        {
            return channel.Kind == ChannelKind.Public && !_options.RequirePublicChannelAuthorization
                ? ChannelAuthorizationResult.Allowed(member: null)
                : ChannelAuthorizationResult.Denied("no authorization route matches the channel");
        }

        var context = new ChannelAuthorizationContext(channel, caller.User, caller.ConnectionId, values);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AuthorizationTimeout);
        await using var scope = scopeFactory.CreateAsyncScope();
        try
        {
            return await AuthorizeRouteAsync(route, context, caller, scope.ServiceProvider, timeout.Token)
                .AsTask()
                .WaitAsync(timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection closed during authorization");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Log.AuthorizationTimedOut(logger, channel.Value, route.Pattern.Text, _options.AuthorizationTimeout);
            throw new ChannelException(ChannelErrorCodes.Unavailable, "authorization timed out");
        }
        catch (Exception ex)
        {
            // A callback that throws denies; the exception is for the server log only.
            Log.CallbackFailed(logger, ex, channel.Value, route.Pattern.Text);
            return ChannelAuthorizationResult.Denied("the authorization callback failed");
        }
    }

    private static async ValueTask<ChannelAuthorizationResult> AuthorizeRouteAsync(
        ChannelRoute route,
        ChannelAuthorizationContext context,
        ChannelCaller caller,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (route.Policies.Count > 0)
        {
            var authorization = services.GetRequiredService<IAuthorizationService>();
            foreach (var policy in route.Policies)
            {
                var decision = await authorization.AuthorizeAsync(context.User, context, policy).ConfigureAwait(false);
                if (!decision.Succeeded)
                {
                    return ChannelAuthorizationResult.Denied($"policy '{policy}' failed");
                }
            }
        }

        if (route.Callback is null)
        {
            return route.Kind == ChannelKind.Presence
                ? ChannelAuthorizationResult.Denied("a presence route needs a callback that returns the member")
                : ChannelAuthorizationResult.Allowed(member: null);
        }

        var outcome = await route.Callback
            .InvokeAsync(new RouteCallback.BindingContext(context, caller, services, cancellationToken))
            .ConfigureAwait(false);
        if (!outcome.IsBound)
        {
            return ChannelAuthorizationResult.Denied(outcome.BindingError!);
        }

        return outcome.Value switch
        {
            true => ChannelAuthorizationResult.Allowed(member: null),
            PresenceMember member => ChannelAuthorizationResult.Allowed(member),
            _ => ChannelAuthorizationResult.Denied("the route callback denied the subscription"),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Error, "The authorization callback of route '{Route}' threw for channel {Channel}; the subscription is denied.")]
        public static partial void CallbackFailed(ILogger logger, Exception exception, string channel, string route);

        [LoggerMessage(21, LogLevel.Warning, "Authorization of channel {Channel} by route '{Route}' took longer than {Timeout}.")]
        public static partial void AuthorizationTimedOut(ILogger logger, string channel, string route, TimeSpan timeout);
    }
}

/// <summary>The outcome of authorizing a subscription.</summary>
internal readonly record struct ChannelAuthorizationResult(bool IsAllowed, PresenceMember? Member, string? Reason)
{
    public static ChannelAuthorizationResult Allowed(PresenceMember? member) => new(true, member, null);

    public static ChannelAuthorizationResult Denied(string reason) => new(false, null, reason);
}
