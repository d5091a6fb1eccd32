using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Internal;
using SignalRChannels.Pipeline;

namespace SignalRChannels;

/// <summary>
/// Configures channels inside <c>AddChannels(channels =&gt; ...)</c>: authorization routes (Laravel's
/// <c>Broadcast::channel</c>), whisper and history settings, publish middleware and options.
/// </summary>
public sealed class ChannelsBuilder
{
    private readonly ChannelRegistry _registry;

    internal ChannelsBuilder(IServiceCollection services, ChannelRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="ChannelsOptions"/>.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder Configure(Action<ChannelsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Registers an authorization route for private channels. <c>Private("orders.{orderId}", ...)</c> authorizes
    /// <c>private-orders.42</c>. The callback receives the user (<see cref="System.Security.Claims.ClaimsPrincipal"/>),
    /// route parameters by name, and DI services, and returns <see langword="true"/> to allow (sync or async).
    /// </summary>
    /// <param name="pattern">The route pattern, without the <c>private-</c> prefix.</param>
    /// <param name="callback">Returns whether to allow; a callback that throws denies.</param>
    /// <returns>The route, for adding policies with <see cref="ChannelRoute.RequireAuthorization"/>.</returns>
    public ChannelRoute Private(string pattern, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _registry.AddRoute(ChannelKind.Private, pattern, callback);
    }

    /// <summary>Registers a private route authorized by policies only; add them with <see cref="ChannelRoute.RequireAuthorization"/>.</summary>
    /// <param name="pattern">The route pattern, without the <c>private-</c> prefix.</param>
    /// <returns>The route.</returns>
    public ChannelRoute Private(string pattern) => _registry.AddRoute(ChannelKind.Private, pattern, callback: null);

    /// <summary>
    /// Registers an authorization route for presence channels. The callback returns the
    /// <see cref="PresenceMember"/> (id and info) to allow, or <see langword="null"/> to deny.
    /// </summary>
    /// <param name="pattern">The route pattern, without the <c>presence-</c> prefix.</param>
    /// <param name="callback">Returns the member or null; a callback that throws denies.</param>
    /// <returns>The route.</returns>
    public ChannelRoute Presence(string pattern, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _registry.AddRoute(ChannelKind.Presence, pattern, callback);
    }

    /// <summary>
    /// Registers a route for public channels. Public channels are open unless
    /// <see cref="ChannelsOptions.RequirePublicChannelAuthorization"/> is set; then only routed ones are allowed.
    /// </summary>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="callback">Returns whether to allow.</param>
    /// <returns>The route.</returns>
    public ChannelRoute Public(string pattern, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _registry.AddRoute(ChannelKind.Public, pattern, callback);
    }

    /// <summary>
    /// Keeps history for channels that match a pattern: each event gets an offset (1, 2, 3, …) and an epoch,
    /// <c>GetHistory</c> can read it, and a resubscribing client recovers what it missed.
    /// </summary>
    /// <param name="pattern">A channel pattern, for example <c>chat.*</c> (all kinds) or <c>presence-chat.*</c>.</param>
    /// <param name="size">How many recent events to keep per channel.</param>
    /// <param name="ttl">How long a channel's history lives after its last event.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder History(string pattern, int size, TimeSpan ttl)
    {
        _registry.AddHistory(ChannelPattern.Parse(pattern), new HistoryPolicy(size, ttl));
        return this;
    }

    /// <summary>Turns off client events (whispers) on channels that match a pattern.</summary>
    /// <param name="pattern">A channel pattern, for example <c>orders.*</c>.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder DisableWhispers(string pattern)
    {
        _registry.DisableWhispers(ChannelPattern.Parse(pattern));
        return this;
    }
    /// <summary>
    /// Adds publish middleware that every event on every channel passes before fan-out, after the middleware
    /// registered before it. Created once from DI (a registered service of that type, else constructed with its
    /// dependencies) when the first event is published.
    /// </summary>
    /// <typeparam name="TMiddleware">The middleware type.</typeparam>
    /// <returns>This builder.</returns>
    public ChannelsBuilder UseMiddleware<TMiddleware>()
        where TMiddleware : class, IChannelEventMiddleware =>
        AddMiddleware(null, static services => ActivatorUtilities.GetServiceOrCreateInstance<TMiddleware>(services));

    /// <summary>Adds publish middleware for the channels that match a pattern only (see <see cref="UseMiddleware{TMiddleware}()"/>).</summary>
    /// <typeparam name="TMiddleware">The middleware type.</typeparam>
    /// <param name="pattern">A channel pattern, for example <c>chat.*</c> (all kinds) or <c>private-orders.*</c>.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder UseMiddleware<TMiddleware>(string pattern)
        where TMiddleware : class, IChannelEventMiddleware =>
        AddMiddleware(ChannelPattern.Parse(pattern), static services => ActivatorUtilities.GetServiceOrCreateInstance<TMiddleware>(services));

    /// <summary>Adds inline publish middleware, for every channel or for the channels that match <paramref name="pattern"/>.</summary>
    /// <param name="middleware">Inspects or changes the event and calls <c>next</c> to pass it on.</param>
    /// <param name="pattern">A channel pattern, or null for every channel.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder UseMiddleware(Func<ChannelEventContext, ChannelEventDelegate, ValueTask> middleware, string? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        var instance = new DelegateMiddleware(middleware);
        return AddMiddleware(pattern is null ? null : ChannelPattern.Parse(pattern), _ => instance);
    }

    private ChannelsBuilder AddMiddleware(ChannelPattern? pattern, Func<IServiceProvider, IChannelEventMiddleware> create)
    {
        _registry.AddMiddleware(new MiddlewareRegistration(pattern, create));
        return this;
    }
}
