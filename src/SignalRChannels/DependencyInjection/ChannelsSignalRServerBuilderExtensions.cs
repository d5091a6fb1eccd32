using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SignalRChannels;
using SignalRChannels.Authorization;
using SignalRChannels.Cluster;
using SignalRChannels.Internal;
using SignalRChannels.Heartbeat;
using SignalRChannels.Persistence.Internal;
using SignalRChannels.Persistence;
using SignalRChannels.Pipeline;
using SignalRChannels.Presence;
using SignalRChannels.Subscriptions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds channels to a SignalR server.</summary>
public static class ChannelsSignalRServerBuilderExtensions
{
    /// <summary>Adds channels with the in-memory defaults.</summary>
    /// <param name="builder">The SignalR server builder.</param>
    /// <returns>A builder for channel add-ons such as <c>AddRedis()</c>.</returns>
    public static IChannelsServerBuilder AddChannels(this ISignalRServerBuilder builder) =>
        builder.AddChannels(_ => { });

    /// <summary>Adds channels and configures them.</summary>
    /// <param name="builder">The SignalR server builder.</param>
    /// <param name="configure">Registers routes and changes options.</param>
    /// <returns>A builder for channel add-ons such as <c>AddRedis()</c>.</returns>
    public static IChannelsServerBuilder AddChannels(this ISignalRServerBuilder builder, Action<ChannelsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        var firstCall = !services.Any(d => d.ServiceType == typeof(ChannelHubFilter));
        services.AddOptions<ChannelsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChannelsOptions>, ChannelsOptionsValidator>());
        services.AddOptions<PresenceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceOptions>, PresenceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SignalRChannels.Diagnostics.TrafficTotals>();
        services.TryAddSingleton<SignalRChannels.Diagnostics.NodeActivity>();
        services.TryAddSingleton<SignalRChannels.Diagnostics.ChannelsMetrics>();
        services.AddAuthorizationCore();

        // Coded errors for arguments SignalR cannot bind, on channel hubs only (other hubs keep SignalR's resolver).
        services.Replace(ServiceDescriptor.Singleton(typeof(HubConnectionHandler<>), typeof(ChannelHubConnectionHandler<>)));

        // The engine, one class per job (docs/architecture.md).
        services.TryAddSingleton<HubClientsAccessor>();
        services.TryAddSingleton<ChannelInput>();
        services.TryAddSingleton<ConnectionRegistry>();
        services.TryAddSingleton<ConnectionLifecycle>();
        services.TryAddSingleton<ChannelAuthorizer>();
        services.TryAddSingleton<ChannelGroupMembership>();
        services.TryAddSingleton<ChannelPositions>();
        services.TryAddSingleton<EmptyStreamKeeper>();
        services.TryAddSingleton<ChannelJoiner>();
        services.TryAddSingleton<SubscriptionTeardown>();
        services.TryAddSingleton<SubscriptionService>();
        services.TryAddSingleton<ChannelQueries>();
        services.TryAddSingleton<WhisperRelay>();
        services.TryAddSingleton<ConnectionHeartbeat>();
        services.TryAddSingleton<SilentConnectionMonitor>();
        services.TryAddSingleton<Revocations>();
        services.TryAddSingleton<IChannelSubscriptionManager>(sp => sp.GetRequiredService<Revocations>());
        services.TryAddSingleton<PublishMiddleware>();
        services.TryAddSingleton<FilterInterest>();
        services.TryAddSingleton<ChannelSendLines>();
        services.TryAddSingleton<PublishPipeline>();
        services.TryAddSingleton<HistoryResync>();
        services.TryAddSingleton<IChannelBroadcaster, ChannelBroadcaster>();
        services.TryAddSingleton<ChannelHubServices>();
        services.TryAddSingleton<ChannelHubFilter>();
        services.TryAddSingleton<SignalRChannels.Query.NodeOccupancy>();
        services.TryAddSingleton<SignalRChannels.Api.CoreChannelNamespace>();

        // The backend seams: in-memory defaults, replaced by AddRedis() or any other implementation.
        services.TryAddSingleton<IChannelCommandBus, LocalChannelCommandBus>();
        services.TryAddSingleton<IChannelEventStore, InMemoryChannelEventStore>();
        services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        services.TryAddSingleton<PresenceTracker>();
        services.TryAddSingleton<IChannelsQuery, SignalRChannels.Query.LocalChannelsQuery>();
        if (firstCall)
        {
            services.AddHostedService<ChannelCommandListener>();
            services.AddHostedService<PresenceHeartbeatService>();
            services.AddHostedService(sp => sp.GetRequiredService<SilentConnectionMonitor>());
            services.AddHostedService(sp => sp.GetRequiredService<EmptyStreamKeeper>());
            services.TryAddSingleton<SignalRChannels.Dashboard.DashboardSampler>();
            services.AddHostedService(sp => sp.GetRequiredService<SignalRChannels.Dashboard.DashboardSampler>());
            services.Configure<HubOptions>(options => options.AddFilter<ChannelHubFilter>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MessagePackHubProtocolOptions>, ChannelsMessagePackOptionsSetup>());
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(ChannelRegistry))?.ImplementationInstance as ChannelRegistry;
        if (registry is null)
        {
            registry = new ChannelRegistry();
            services.AddSingleton(registry);
        }

        configure(new ChannelsBuilder(services, registry));
        return builder as IChannelsServerBuilder ?? new ChannelsServerBuilder(services);
    }

    private sealed class ChannelsServerBuilder(IServiceCollection services) : IChannelsServerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    /// <summary>Lets the MessagePack protocol write canonical payloads (<see cref="System.Text.Json.JsonElement"/>, and envelopes holding UTF-8 JSON) natively.</summary>
    private sealed class ChannelsMessagePackOptionsSetup : IPostConfigureOptions<MessagePackHubProtocolOptions>
    {
        public void PostConfigure(string? name, MessagePackHubProtocolOptions options)
        {
            var resolver = CompositeResolver.Create(
                [JsonElementFormatter.Instance, SignalRChannels.Internal.RawChannelEventFormatter.Instance],
                [options.SerializerOptions.Resolver]);
            options.SerializerOptions = options.SerializerOptions.WithResolver(resolver);
        }
    }
}
