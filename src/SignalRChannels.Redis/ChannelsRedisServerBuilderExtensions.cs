using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRChannels;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Redis.Presence;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Redis scale-out to channels.</summary>
public static class ChannelsRedisServerBuilderExtensions
{
    /// <summary>
    /// Adds Redis scale-out from a connection string. A <see langword="null"/> or empty string leaves the
    /// in-memory defaults in place, so apps can pass an optional configuration value straight through.
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="connectionString">The StackExchange.Redis configuration string, or null for none.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddRedis(this IChannelsServerBuilder builder, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.IsNullOrWhiteSpace(connectionString)
            ? builder
            : builder.AddRedis(options => options.Configuration = connectionString);
    }

    /// <summary>
    /// Adds Redis scale-out: SignalR's Redis backplane carries channel publishes to every node, on one
    /// <see cref="IConnectionMultiplexer"/> shared with the Redis stores. An <see cref="IConnectionMultiplexer"/>
    /// already registered by the app is used as it is. Also registers a health check named
    /// <c>signalrchannels-redis</c> (tags <c>signalrchannels</c>, <c>redis</c>).
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="configure">Configures the connection and the key prefix.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddRedis(this IChannelsServerBuilder builder, Action<ChannelsRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<ChannelsRedisOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChannelsRedisOptions>, ChannelsRedisOptionsValidator>());

        // An IConnectionMultiplexer the app registered itself is shared as it is; otherwise one is opened asynchronously.
        services.TryAddSingleton(provider => provider.GetService<IConnectionMultiplexer>() is { } shared
            ? new RedisConnection(shared)
            : new RedisConnection(provider.GetRequiredService<IOptions<ChannelsRedisOptions>>()));

        services.Replace(ServiceDescriptor.Singleton<IChannelCommandBus, RedisChannelCommandBus>());
        services.Replace(ServiceDescriptor.Singleton<IChannelEventStore, RedisChannelEventStore>());
        // Used when queued broadcasting is added (AddQueuedBroadcasting), before or after this call.
        services.Replace(ServiceDescriptor.Singleton<IChannelQueueStore, RedisChannelQueueStore>());
        services.Replace(ServiceDescriptor.Singleton<IPresenceStore>(provider => new RedisPresenceStore(
            provider.GetRequiredService<RedisConnection>(),
            provider.GetRequiredService<IOptions<PresenceOptions>>().Value,
            provider.GetRequiredService<IOptions<ChannelsRedisOptions>>().Value.Prefix,
            provider.GetRequiredService<TimeProvider>())
        {
            // A dead node's channels are vacated by the sweep that claims it (webhooks, when added).
            OccupancyVacated = provider.GetService<SignalRChannels.Query.IOccupancyTransitions>() is { Enabled: true } transitions ? transitions.Vacated : null,
            // And its undelivered webhook events move into this node's outbox, to be sent from here.
            OutboxInherited = provider.GetService<SignalRChannels.Webhooks.Internal.WebhookQueue>() is { Enabled: true } outbox ? outbox.Restore : null,
        }));
        // Webhook events a node has queued outlive it: the node that sweeps it takes them over.
        services.TryAddSingleton<SignalRChannels.Webhooks.Internal.IWebhookOutbox, SignalRChannels.Redis.Webhooks.RedisWebhookOutbox>();

        if (!services.Any(d => d.ImplementationType == typeof(BackplaneResyncService)))
        {
            services.AddHostedService<BackplaneResyncService>();
            // History appends publish to the backplane in the same script once SignalR's format is checked.
            services.AddHostedService<BackplaneFormatProbe>();
        }

        // The query API reads every live node's counts; each node writes its own under its presence lease.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<SignalRChannels.Query.IOccupancySink, SignalRChannels.Redis.Query.RedisOccupancyWriter>());
        services.Replace(ServiceDescriptor.Singleton<IChannelsQuery, SignalRChannels.Redis.Query.RedisChannelsQuery>());

        // Reported by the app's health endpoint, if it maps one (app.MapHealthChecks("/healthz")).
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("signalrchannels-redis", tags: ["signalrchannels", "redis"]);

        builder.AddStackExchangeRedis();
        services.AddOptions<RedisOptions>().Configure<IServiceProvider>((redis, provider) =>
            redis.ConnectionFactory = async _ => await provider.GetRequiredService<RedisConnection>().GetAsync().ConfigureAwait(false));
        return builder;
    }
}
